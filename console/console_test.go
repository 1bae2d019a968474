package console_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)

	t.Run("PagesNeedASession", func(t *testing.T) {
		t.Parallel()
		p := tc.browser(t).get("/console/applications")
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/console/signin?next=") {
			t.Fatalf("got %d to %q, want 303 to the sign-in page", p.status, p.location)
		}
	})
	t.Run("WrongSecretIsShownOnTheForm", func(t *testing.T) {
		t.Parallel()
		p := tc.browser(t).post("/console/signin", url.Values{"access_key_id": {adminID}, "secret_access_key": {"not-the-secret-at-all"}})
		if p.status != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", p.status)
		}
		p.mustContain(t, "The access key ID or the secret access key is not correct", `value="ADMINKEY"`)
	})
	t.Run("SessionCookieIsHttpOnlyAndStrict", func(t *testing.T) {
		t.Parallel()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := client.PostForm(tc.URL+"/console/signin", url.Values{"access_key_id": {adminID}, "secret_access_key": {adminSecret}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var found bool
		for _, c := range res.Cookies() {
			if c.Name == "appconfigd_console" {
				found = true
				if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/console" {
					t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/console", c)
				}
			}
		}
		if !found {
			t.Fatal("no session cookie after signing in")
		}
	})
	t.Run("SignedInPageNamesTheKey", func(t *testing.T) {
		t.Parallel()
		b := tc.signIn(t, adminID, adminSecret)
		p := b.get("/console/applications")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		p.mustContain(t, "alice (ADMINKEY)", "Create an application")
	})
	t.Run("NextStaysOnTheConsole", func(t *testing.T) {
		t.Parallel()
		p := tc.browser(t).post("/console/signin", url.Values{"access_key_id": {adminID}, "secret_access_key": {adminSecret}, "next": {"//evil.example/x"}})
		if p.location != "/console/applications" {
			t.Fatalf("redirected to %q, want /console/applications", p.location)
		}
	})
	t.Run("ExpiredSessionSignsOut", func(t *testing.T) {
		tc := newConsole(t)
		b := tc.signIn(t, adminID, adminSecret)
		tc.Clock.Advance(appconfigd.ConsoleSessionTTL + time.Second)
		if p := b.get("/console/applications"); p.status != http.StatusSeeOther {
			t.Fatalf("status %d after the session's lifetime, want 303 to sign in", p.status)
		}
	})
	t.Run("RotatedSecretEndsTheSession", func(t *testing.T) {
		tc := newConsole(t)
		b := tc.signIn(t, adminID, adminSecret)
		if p := b.get("/console/applications"); p.status != http.StatusOK {
			t.Fatalf("status %d before the rotation, want 200", p.status)
		}
		tc.Keys.replace(t, accesskey.Key{AccessKeyID: adminID, SecretAccessKey: "rotated-secret-0123456789", Name: "alice", Role: appconfigd.RoleAdmin})
		if p := b.get("/console/applications"); p.status != http.StatusSeeOther {
			t.Fatalf("status %d after the key's secret changed, want 303 to sign in", p.status)
		}
		if p := b.post("/console/applications", url.Values{"name": {"late"}}); p.status != http.StatusUnauthorized {
			t.Fatalf("change after the key's secret changed: status %d, want 401", p.status)
		}
		tc.signIn(t, adminID, "rotated-secret-0123456789")
	})
	t.Run("SignOut", func(t *testing.T) {
		t.Parallel()
		b := tc.signIn(t, adminID, adminSecret)
		if p := b.submit("/console/signout", nil); p.status != http.StatusSeeOther {
			t.Fatalf("sign out: status %d", p.status)
		}
		if p := b.get("/console/applications"); p.status != http.StatusSeeOther {
			t.Fatalf("status %d after signing out, want 303 to sign in", p.status)
		}
	})
}

func TestChanges(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)

	t.Run("CreateApplicationIsAuditedWithTheKeyName", func(t *testing.T) {
		b := tc.signIn(t, adminID, adminSecret)
		p := b.submit("/console/applications", url.Values{"name": {"shop"}, "description": {"the shop"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/console/applications/") {
			t.Fatalf("got %d to %q, want 303 to the new application", p.status, p.location)
		}
		b.get(p.location).mustContain(t, "Created application shop.", "the shop")
		out, err := tc.Service.ListAudit(t.Context(), appconfigd.AuditFilter{Operation: "CreateApplication"}, appconfigd.ListInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Items) != 1 || out.Items[0].KeyName != "alice" || out.Items[0].AccessKeyID != adminID || out.Items[0].Status != http.StatusSeeOther {
			t.Fatalf("audit entries %+v, want one by alice with status 303", out.Items)
		}
	})
	t.Run("ServiceErrorIsShownInThePage", func(t *testing.T) {
		b := tc.signIn(t, adminID, adminSecret)
		p := b.submit("/console/applications", url.Values{"name": {strings.Repeat("n", 65)}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "Name")
		p.mustNotContain(t, `"__type"`, `"message"`)
	})
	t.Run("FailedRenameKeepsTheStoredNameOutsideTheForm", func(t *testing.T) {
		b := tc.signIn(t, adminID, adminSecret)
		app := tc.application(t, "stored")
		typed := strings.Repeat("n", 65)
		p := b.submit("/console/applications/"+app.ID, url.Values{"name": {typed}, "description": {"typed"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", p.status)
		}
		p.mustContain(t, `role="alert"`, "<title>Application stored · appconfigd</title>", "</a> › stored</p>",
			`id="app-name" name="name" value="`+typed+`"`, `id="app-description" name="description" value="typed"`)
		p.mustNotContain(t, "<title>Application "+typed)
	})
	t.Run("ChangeWithoutTokenIsRefused", func(t *testing.T) {
		b := tc.signIn(t, adminID, adminSecret)
		if p := b.post("/console/applications", url.Values{"name": {"forged"}}); p.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", p.status)
		}
		assertNoApplication(t, tc, "forged")
	})
	t.Run("CrossOriginChangeIsRefused", func(t *testing.T) {
		b := tc.signIn(t, adminID, adminSecret)
		p := b.get("/console/applications")
		token := csrfPattern.FindStringSubmatch(p.body)[1]
		req, err := http.NewRequest(http.MethodPost, tc.URL+"/console/applications", strings.NewReader(url.Values{"name": {"crosssite"}, "csrf_token": {token}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if got := b.do(req); got.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", got.status)
		}
		assertNoApplication(t, tc, "crosssite")
	})
}

func TestReader(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	ctx := t.Context()
	readable := tc.application(t, "readable")
	other := tc.application(t, "other")
	b := tc.signIn(t, readerID, readerSecret)

	t.Run("SeesOnlyItsApplicationsWithoutForms", func(t *testing.T) {
		p := b.get("/console/applications")
		p.mustContain(t, "readable", "read-only")
		p.mustNotContain(t, ">other<", "Create an application")
	})
	t.Run("OtherApplicationIsNotFound", func(t *testing.T) {
		if p := b.get("/console/applications/" + other.ID); p.status != http.StatusNotFound {
			t.Fatalf("status %d, want 404", p.status)
		}
	})
	t.Run("CannotChange", func(t *testing.T) {
		p := b.submit("/console/applications/"+readable.ID, url.Values{"name": {"renamed"}})
		if p.status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", p.status)
		}
		p.mustContain(t, "rita is a reader")
		a, err := tc.Service.GetApplication(ctx, readable.ID)
		if err != nil || a.Name != "readable" {
			t.Fatalf("application %+v, %v: want it unchanged", a, err)
		}
		out, err := tc.Service.ListAudit(ctx, appconfigd.AuditFilter{AccessKeyID: readerID}, appconfigd.ListInput{})
		if err != nil || len(out.Items) != 1 || out.Items[0].ErrorCode != appconfigd.EAccessDenied {
			t.Fatalf("audit %+v, %v: want the refused attempt recorded", out, err)
		}
	})
}

func TestUnknownPageAnswersInTheConsole(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)
	p := b.get("/console/no/such/page")
	if p.status != http.StatusNotFound {
		t.Fatalf("status %d, want 404", p.status)
	}
	p.mustContain(t, "There is no console page at /console/no/such/page", "<html")
}

// assertNoApplication fails if an application named name exists.
func assertNoApplication(t *testing.T, tc *testConsole, name string) {
	t.Helper()
	out, err := tc.Service.ListApplications(t.Context(), appconfigd.ListInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.Items {
		if a.Name == name {
			t.Fatalf("application %q exists; the change should have been refused", name)
		}
	}
}

func TestFormTooLarge(t *testing.T) {
	t.Parallel()
	tc := newConsole(t)
	b := tc.signIn(t, adminID, adminSecret)
	// The bound is thrice the hosted configuration limit, for
	// percent-encoding, plus 64 KiB for the other fields.
	limitKiB := (3*tc.Service.Limits.HostedConfigurationSizeBytes + 64<<10) >> 10

	t.Run("OverTheBoundIs413NamingIt", func(t *testing.T) {
		t.Parallel()
		p := b.submit("/console/applications", url.Values{"name": {"big"}, "description": {strings.Repeat("%", limitKiB<<10/3+1)}})
		if p.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", p.status)
		}
		p.mustContain(t, fmt.Sprintf("The form is larger than this server accepts (%d KiB)", limitKiB))
		p.mustNotContain(t, "http: request body too large")
	})
	t.Run("WithinTheBoundReachesTheService", func(t *testing.T) {
		t.Parallel()
		// Every byte percent-encoded, one over the hosted configuration
		// limit: the service answers (here, that the description is too
		// long), not the form's bound.
		p := b.submit("/console/applications", url.Values{"name": {"big"}, "description": {strings.Repeat("%", tc.Service.Limits.HostedConfigurationSizeBytes+1)}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400 from the service", p.status)
		}
		p.mustContain(t, "Description")
	})
}
