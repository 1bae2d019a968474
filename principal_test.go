package appconfigd_test

import (
	"testing"

	"github.com/appconfigd/appconfigd"
)

func TestPrincipalCanRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		p    appconfigd.Principal
		want bool
	}{
		{"Admin", appconfigd.Principal{Role: appconfigd.RoleAdmin}, true},
		{"ReaderOfEverything", appconfigd.Principal{Role: appconfigd.RoleReader}, true},
		{"ReaderOfItByID", appconfigd.Principal{Role: appconfigd.RoleReader, Applications: []string{"other", "abc1234"}}, true},
		{"ReaderOfItByName", appconfigd.Principal{Role: appconfigd.RoleReader, Applications: []string{"web"}}, true},
		{"ReaderOfOthers", appconfigd.Principal{Role: appconfigd.RoleReader, Applications: []string{"other"}}, false},
		{"NoRole", appconfigd.Principal{}, false},
	}
	for _, tt := range tests {
		if got := tt.p.CanRead("abc1234", "web"); got != tt.want {
			t.Errorf("%s: CanRead = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestReaderLimitedToApplications shows the data plane enforcing a reader
// key's applications, for new sessions and for tokens of earlier ones.
func TestReaderLimitedToApplications(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	in := sessionFixture(t, svc) // application "app"
	admin := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "ops", Role: appconfigd.RoleAdmin})
	allowed := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "web", Role: appconfigd.RoleReader, Applications: []string{"app"}})
	denied := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "batch", Role: appconfigd.RoleReader, Applications: []string{"batch"}})

	if _, err := svc.StartConfigurationSession(denied, in); !appconfigd.IsCode(err, appconfigd.EAccessDenied) {
		t.Errorf("StartConfigurationSession by a reader of other applications: %v, want AccessDenied", err)
	}
	tok, err := svc.StartConfigurationSession(allowed, in)
	if err != nil {
		t.Fatalf("StartConfigurationSession by a reader of the application: %v", err)
	}
	if _, err := svc.GetLatestConfiguration(denied, tok, appconfigd.PollOptions{}); !appconfigd.IsCode(err, appconfigd.EAccessDenied) {
		t.Errorf("GetLatestConfiguration with another reader's token: %v, want AccessDenied", err)
	}
	if _, err := svc.GetLatestConfiguration(admin, tok, appconfigd.PollOptions{}); err != nil {
		t.Errorf("GetLatestConfiguration by an admin: %v", err)
	}
}

// TestReadRefusalNamesTheOperation refuses a reader of other applications
// on each operation that reads configuration: the message names the
// operation called, as AWS's access-denied messages name the action.
func TestReadRefusalNamesTheOperation(t *testing.T) {
	t.Parallel()
	f := newRolloutFixture(t)
	session := appconfigd.StartSessionInput{ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID}
	token := must(f.svc.StartConfigurationSession(t.Context(), session))
	denied := appconfigd.NewContextWithPrincipal(t.Context(), appconfigd.Principal{Name: "batch", Role: appconfigd.RoleReader, Applications: []string{"batch"}})
	calls := []struct {
		operation string
		call      func() error
	}{
		{"StartConfigurationSession", func() error {
			_, err := f.svc.StartConfigurationSession(denied, session)
			return err
		}},
		{"GetLatestConfiguration", func() error {
			_, err := f.svc.GetLatestConfiguration(denied, token, appconfigd.PollOptions{})
			return err
		}},
		{"GetConfiguration", func() error {
			_, err := f.svc.GetConfiguration(denied, appconfigd.GetConfigurationInput{Application: f.app.ID, Environment: f.env.ID, Configuration: f.profile.ID, ClientID: "c1"})
			return err
		}},
	}
	for _, c := range calls {
		wantErrorCode(t, c.operation, c.call(), appconfigd.EAccessDenied, "User: batch is not authorized to perform: appconfig:"+c.operation+" on application "+f.app.ID)
	}
}
