package adminapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/adminapi"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/fleet"
	"github.com/appconfigd/appconfigd/internal/apptest"
	"github.com/appconfigd/appconfigd/sqlite"
)

// fleetBody is GET /admin/fleet's answer.
type fleetBody struct {
	ApplicationID, ApplicationName, EnvironmentID, EnvironmentName, At string
	Profiles                                                           []struct {
		ConfigurationProfileID, ConfigurationProfileName string
		Windows                                          []struct {
			Minutes, Sessions int
			Versions          []struct {
				Version      int
				VersionLabel string
				Sessions     int
			}
		}
	}
}

func TestFleet(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	clock := apptest.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := apptest.NewService(t, store, clock, nil, func(s *appconfigd.Service) { s.Fleet = fleet.New() })
	app := must(t, func() (*appconfigd.Application, error) {
		return svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, nil)
	})
	env := must(t, func() (*appconfigd.Environment, error) {
		return svc.CreateEnvironment(ctx, app.ID, &appconfigd.Environment{Name: "prod"}, nil)
	})
	profile := must(t, func() (*appconfigd.ConfigurationProfile, error) {
		return svc.CreateConfigurationProfile(ctx, app.ID, &appconfigd.ConfigurationProfile{Name: "flags", LocationURI: "hosted"}, nil)
	})
	for range 3 {
		tok := must(t, func() (string, error) {
			return svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{ApplicationIdentifier: "app", EnvironmentIdentifier: "prod", ConfigurationProfileIdentifier: "flags"})
		})
		must(t, func() (*appconfigd.LatestConfiguration, error) {
			return svc.GetLatestConfiguration(ctx, tok, appconfigd.PollOptions{})
		})
	}
	if err := svc.FlushFleet(ctx); err != nil {
		t.Fatal(err)
	}
	s := &adminapi.Server{Service: svc, Auth: headerAuth{}, Logger: slog.New(slog.DiscardHandler)}
	h := awsjson.WithRequestID(awsjson.NewRouter(s.Routes()))
	get := func(key, query string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/admin/fleet?"+query, nil)
		req.Header.Set(keyHeader, key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	t.Run("AnswersTheEnvironmentsFleet", func(t *testing.T) {
		t.Parallel()
		for _, key := range []string{"admin", "reader"} {
			rec := get(key, "application=app&environment=prod")
			if rec.Code != http.StatusOK {
				t.Fatalf("as %s: status %d, want 200: %s", key, rec.Code, rec.Body)
			}
			var got fleetBody
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.ApplicationID != app.ID || got.EnvironmentID != env.ID || got.EnvironmentName != "prod" || got.At != "2026-05-01T12:00:00Z" {
				t.Errorf("as %s: answer names %s/%s %q at %q, want %s/%s \"prod\" at 2026-05-01T12:00:00Z", key, got.ApplicationID, got.EnvironmentID, got.EnvironmentName, got.At, app.ID, env.ID)
			}
			if len(got.Profiles) != 1 || got.Profiles[0].ConfigurationProfileID != profile.ID || got.Profiles[0].ConfigurationProfileName != "flags" {
				t.Fatalf("as %s: profiles = %+v, want the one profile %s", key, got.Profiles, profile.ID)
			}
			w := got.Profiles[0].Windows
			if len(w) != 3 || w[0].Minutes != 1 || w[0].Sessions != 3 || len(w[0].Versions) != 1 || w[0].Versions[0].Version != 0 || w[0].Versions[0].Sessions != 3 {
				t.Errorf("as %s: windows = %+v, want 3 sessions on version 0 in the first of three windows", key, w)
			}
		}
	})

	t.Run("MissingParameterIsBadRequest", func(t *testing.T) {
		t.Parallel()
		for query, missing := range map[string]string{"environment=prod": "application", "application=app": "environment"} {
			rec := get("admin", query)
			var body struct{ Message string }
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != http.StatusBadRequest || rec.Header().Get("X-Amzn-Errortype") != "BadRequestException" || !strings.Contains(body.Message, missing) {
				t.Errorf("GET /admin/fleet?%s: %d %s %q, want 400 BadRequestException naming %s", query, rec.Code, rec.Header().Get("X-Amzn-Errortype"), body.Message, missing)
			}
		}
	})

	t.Run("UnknownEnvironmentIsNotFound", func(t *testing.T) {
		t.Parallel()
		if rec := get("admin", "application=app&environment=nope"); rec.Code != http.StatusNotFound {
			t.Errorf("status %d, want 404: %s", rec.Code, rec.Body)
		}
	})

	t.Run("UnauthenticatedIsRefused", func(t *testing.T) {
		t.Parallel()
		if rec := get("", "application=app&environment=prod"); rec.Code != http.StatusForbidden {
			t.Errorf("status %d, want 403: %s", rec.Code, rec.Body)
		}
	})
}

// must returns what fn returns, failing the test on an error.
func must[T any](t *testing.T, fn func() (T, error)) T {
	t.Helper()
	v, err := fn()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
