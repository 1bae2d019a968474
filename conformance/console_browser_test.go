package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
)

// The reader key of the browser tests, which may read only the
// application named readableApp.
const (
	consoleReaderID     = "AKIDCONSOLEREADER"
	consoleReaderSecret = "reader-secret-0123456789abcdef"
	readableApp         = "checkout"
)

// browserKeys are the keys of the browser tests' servers: the admin key
// the SDK clients sign with, and a reader of readableApp.
func browserKeys(t *testing.T) *accesskey.Set {
	t.Helper()
	set, err := accesskey.NewSet(
		accesskey.Key{Name: "test-admin", AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, Role: appconfigd.RoleAdmin},
		accesskey.Key{Name: "test-reader", AccessKeyID: consoleReaderID, SecretAccessKey: consoleReaderSecret, Role: appconfigd.RoleReader, Applications: []string{readableApp}},
	)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// signInWithKeyboard signs the tab in as a user would without a mouse:
// the access key field has the focus, Tab moves to the secret, Enter
// sends the form.
func (b *tab) signInWithKeyboard(id, secret string) {
	b.t.Helper()
	b.open("/console/applications")
	if p := b.path(); p != "/console/signin" {
		b.fail("an unsigned visitor is at %s, want the sign-in page", p)
	}
	if got := eval[string](b, `document.activeElement.id`); got != "key" {
		b.fail("the focus is on %q, want the access key field (autofocus)", got)
	}
	b.do("type the access key", chromedp.KeyEvent(id), chromedp.KeyEvent(kb.Tab))
	if got := eval[string](b, `document.activeElement.id`); got != "secret" {
		b.fail("after Tab the focus is on %q, want the secret field", got)
	}
	b.do("type the secret", chromedp.KeyEvent(secret))
	b.navigating("press Enter", chromedp.KeyEvent(kb.Enter))
	if p := b.path(); p == "/console/signin" {
		b.fail("still on the sign-in page after signing in")
	}
}

// TestConsoleInBrowser drives the console in Chromium as a user would,
// from signing in to a deployment that advances on its own, is stopped,
// completes and is reverted, and a feature flag toggled; then a reader
// key finds nothing it can change.
func TestConsoleInBrowser(t *testing.T) {
	t.Parallel()
	browser := newBrowser(t)
	// Deployment time runs 60 times faster: the ten-minute strategy
	// below steps once a second, and AllAtOnce's bake takes ten.
	ts := startServer(t, withKeys(browserKeys(t)), withRealClock(60))
	b := newTab(t, browser, ts.url, 2*time.Minute, false)

	// Each step builds on the ones before it, so the first to fail ends
	// the test.
	step := func(name string, f func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}
	var appID, envID string
	step("SignInWithKeyboard", func(t *testing.T) {
		b.t = t
		b.signInWithKeyboard(accessKeyID, secretAccessKey)
		if p := b.path(); p != "/console/applications" {
			b.fail("signed in at %s, want /console/applications", p)
		}
		b.mustShow("Signed in as test-admin")
		if got := eval[string](b, `document.querySelector("header").innerText`); !strings.Contains(got, "test-admin") {
			b.fail("the header shows %q, want the key's name test-admin", got)
		}
	})
	step("CreateApplicationAndEnvironment", func(t *testing.T) {
		b.t = t
		b.fill("/console/applications", "Name", readableApp)
		b.fill("/console/applications", "Description", "made in a browser")
		b.submit("/console/applications", "Create application")
		appID = b.pathMatch(`^/console/applications/([a-z0-9]+)$`)[1]
		b.mustShow("Created application "+readableApp, "made in a browser")

		envs := "/console/applications/" + appID + "/environments"
		b.fill(envs, "Name", "production")
		b.submit(envs, "Create environment")
		envID = b.pathMatch(`^/console/applications/` + appID + `/environments/([a-z0-9]+)$`)[1]
		got, err := ts.daemon.Service().GetEnvironment(t.Context(), appID, envID)
		if err != nil {
			t.Fatalf("GetEnvironment: %v", err)
		}
		if got.Name != "production" {
			t.Errorf("environment name = %q, want production", got.Name)
		}
	})
	var profileID string
	step("CreateProfileAndVersionInTheEditor", func(t *testing.T) {
		b.t = t
		b.open("/console/applications/" + appID)
		profiles := "/console/applications/" + appID + "/profiles"
		b.fill(profiles, "Name", "settings")
		b.fill(profiles, "Type", "Freeform")
		b.submit(profiles, "Create profile")
		profileID = b.pathMatch(`^` + profiles + `/([a-z0-9]+)$`)[1]

		editor := profiles + "/" + profileID + "/versions/new"
		b.open(editor)
		b.fill(editor, "Content", `{"color": "blue"}`)
		b.fill(editor, "Content type", "application/json")
		b.submit(editor, "Validate")
		b.mustShow("Valid")
		b.submit(editor, "Save as new version")
		b.pathMatch(`^` + profiles + "/" + profileID + `/versions/1$`)
		v, err := ts.daemon.Service().GetHostedConfigurationVersion(t.Context(), appID, profileID, 1)
		if err != nil {
			t.Fatalf("GetHostedConfigurationVersion: %v", err)
		}
		if got, want := string(v.Content), `{"color": "blue"}`; got != want {
			t.Errorf("version 1 content = %s, want %s", got, want)
		}
	})
	step("CreateStrategy", func(t *testing.T) {
		b.t = t
		// Ten steps a minute apart: at 60 times speed, one a second.
		b.open("/console/strategies")
		b.fill("/console/strategies", "Name", "Ten minutes")
		b.fill("/console/strategies", "Deployment duration", "10")
		b.fill("/console/strategies", "Final bake time", "0")
		b.fill("/console/strategies", "Growth type", "LINEAR")
		b.fill("/console/strategies", "Growth factor", "10")
		b.submit("/console/strategies", "Create strategy")
		b.pathMatch(`^/console/strategies/([a-z0-9]+)$`)
		b.mustShow("Ten minutes")
	})
	env := "/console/applications/" + appID + "/environments/" + envID
	step("DeploymentAdvancesLiveThenStops", func(t *testing.T) {
		b.t = t
		b.startDeployment(env, "settings", "1", "Ten minutes")
		b.pathMatch(`^` + env + `/deployments/1$`)
		// A marker on the window: a reload or navigation would lose it.
		eval[int](b, `window.__noReload = 1`)
		seen := []int{}
		for len(seen) < 3 {
			last := -1
			if len(seen) > 0 {
				last = seen[len(seen)-1]
			}
			b.waitFor("the progress bar passes "+fmt.Sprint(last), fmt.Sprintf(`document.getElementById("deployment-progress").value > %d`, max(last, 0)))
			seen = append(seen, eval[int](b, `document.getElementById("deployment-progress").value`))
		}
		if got := eval[int](b, `window.__noReload || 0`); got != 1 {
			b.fail("the page was reloaded while the progress bar advanced (%v)", seen)
		}
		if seen[2] >= 100 {
			b.fail("the deployment completed before it could be stopped (progress %v)", seen)
		}
		t.Logf("progress bar values without a reload: %v", seen)
		b.screenshot("live-deployment-1280x800")
		b.submit(env+"/deployments/1/stop", "Stop")
		b.waitFor("the state is ROLLED_BACK", `document.getElementById("deployment-state").textContent.trim() === "ROLLED_BACK"`)
		d, err := ts.daemon.Service().GetDeployment(t.Context(), appID, envID, 1)
		if err != nil {
			t.Fatalf("GetDeployment: %v", err)
		}
		if d.State != appconfigd.DeploymentRolledBack {
			t.Errorf("deployment 1 state = %s, want ROLLED_BACK", d.State)
		}
	})
	step("DeploymentCompletesThenReverts", func(t *testing.T) {
		b.t = t
		b.startDeployment(env, "settings", "1", "AppConfig.AllAtOnce")
		b.pathMatch(`^` + env + `/deployments/2$`)
		// All at once, then ten minutes of bake: ten seconds here.
		b.waitFor("the state is COMPLETE", `document.getElementById("deployment-state").textContent.trim() === "COMPLETE"`)
		if got := eval[int](b, `document.getElementById("deployment-progress").value`); got != 100 {
			b.fail("a complete deployment's progress bar is at %d, want 100", got)
		}
		b.waitFor("Revert is offered", `!document.getElementById("deployment-revert").hidden`)
		b.submit(env+"/deployments/2/revert", "Revert")
		b.waitFor("the state is REVERTED", `document.getElementById("deployment-state").textContent.trim() === "REVERTED"`)
		d, err := ts.daemon.Service().GetDeployment(t.Context(), appID, envID, 2)
		if err != nil {
			t.Fatalf("GetDeployment: %v", err)
		}
		if d.State != appconfigd.DeploymentReverted {
			t.Errorf("deployment 2 state = %s, want REVERTED", d.State)
		}
	})
	step("ToggleFeatureFlag", func(t *testing.T) {
		b.t = t
		b.open("/console/applications/" + appID)
		profiles := "/console/applications/" + appID + "/profiles"
		b.fill(profiles, "Name", "features")
		b.fill(profiles, "Type", "Feature flags")
		b.submit(profiles, "Create profile")
		flagsID := b.pathMatch(`^` + profiles + `/([a-z0-9]+)$`)[1]
		base := profiles + "/" + flagsID
		b.open(base + "/versions/new")
		b.fill(base+"/versions/new", "Content", `{"version": "1", "flags": {"dark_mode": {"name": "Dark mode"}}, "values": {"dark_mode": {"enabled": false}}}`)
		b.submit(base+"/versions/new", "Validate")
		b.mustShow("Valid")
		b.submit(base+"/versions/new", "Save as new version")
		b.pathMatch(`^` + base + `/versions/1$`)

		b.open(base + "/flags")
		b.mustShow("dark_mode", "off")
		b.submit(base+"/flags/dark_mode/toggle", "Enable")
		b.pathMatch(`^` + base + `/versions/2/created$`)
		b.mustShow("Deploy version 2", "Deploy to production")
		v, err := ts.daemon.Service().GetHostedConfigurationVersion(t.Context(), appID, flagsID, 2)
		if err != nil {
			t.Fatalf("GetHostedConfigurationVersion: %v", err)
		}
		var doc struct {
			Values map[string]struct {
				Enabled bool `json:"enabled"`
			} `json:"values"`
		}
		if err := json.Unmarshal(v.Content, &doc); err != nil {
			t.Fatalf("version 2 is not JSON: %v\n%s", err, v.Content)
		}
		if !doc.Values["dark_mode"].Enabled {
			t.Errorf("version 2 has dark_mode disabled, want it enabled:\n%s", v.Content)
		}
		b.open(base + "/flags")
		b.mustShow("dark_mode", "on")
	})
	step("ReaderCannotChange", func(t *testing.T) {
		r := newTab(t, browser, ts.url, time.Minute, true)
		r.signInWithKeyboard(consoleReaderID, consoleReaderSecret)
		r.mustShow(readableApp)
		hidden := createApplication(t, ts.control, "secret-project")
		for _, path := range []string{
			"/console/applications",
			"/console/applications/" + appID,
			env,
			"/console/applications/" + appID + "/profiles/" + profileID,
			env + "/deployments/2",
			"/console/strategies",
		} {
			r.open(path)
			if strings.Contains(r.text(), "secret-project") {
				r.fail("the reader sees the application it may not read on %s", path)
			}
			buttons := eval[[]string](r, `[...document.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")].map((e) => (e.textContent || e.value).trim())`)
			if len(buttons) != 1 || buttons[0] != "Sign out" {
				r.fail("the reader is offered buttons %q on %s, want only Sign out", buttons, path)
			}
		}
		r.open("/console/applications/" + hidden)
		if p := r.text(); !strings.Contains(p, "not found") {
			r.fail("the reader opened the application it may not read")
		}

		// A change sent anyway, from the page with the session's token.
		r.open("/console/applications/" + appID)
		status := eval[int](r, `(async () => {
			const token = document.querySelector("form[action='/console/signout'] input[name=csrf_token]").value;
			const res = await fetch("/console/applications/`+appID+`", {method: "POST", body: new URLSearchParams({csrf_token: token, name: "renamed", description: ""})});
			return res.status;
		})()`)
		if status != http.StatusForbidden {
			t.Errorf("a reader's UpdateApplication answered %d, want 403", status)
		}
		a, err := ts.daemon.Service().GetApplication(t.Context(), appID)
		if err != nil {
			t.Fatalf("GetApplication: %v", err)
		}
		if a.Name != readableApp {
			t.Errorf("after the reader's change the application is named %q, want %q", a.Name, readableApp)
		}
	})
}

// startDeployment starts a deployment on the environment page at env
// and waits for the deployment's page.
func (b *tab) startDeployment(env, profile, version, strategy string) {
	b.t.Helper()
	b.open(env)
	form := env + "/deployments"
	b.fill(form, "Configuration profile", profile)
	b.fill(form, "Hosted version", version)
	b.fill(form, "Deployment strategy", strategy)
	b.submit(form, "Start deployment")
}

// viewports are the screen sizes every page must work at: a laptop and
// a phone.
var viewports = []struct {
	name          string
	width, height int64
	mobile        bool
}{
	{"1280x800", 1280, 800, false},
	{"390x844", 390, 844, true},
}

// layoutFixture is what TestConsoleLayout's pages show: an application
// with an environment, a freeform profile with two versions, one of
// them deployed, a feature-flag profile, and a strategy.
type layoutFixture struct {
	fixture
	flags string
	// deployment is the number of the deployment of version 2.
	deployment int32
}

func newLayoutFixture(t *testing.T, ts *testServer) layoutFixture {
	t.Helper()
	c := ts.control
	app := createApplication(t, c, readableApp)
	fx := layoutFixture{fixture: fixture{app: app, env: createEnvironment(t, c, app, "production"), profile: createProfile(t, c, app, "settings")}}
	createVersion(t, c, app, fx.profile, []byte(`{"color":"blue","size":1}`), "application/json", "first")
	_, fx.deployment = deployVersion(t, c, fx.fixture, []byte(`{"color":"green","size":2,"shape":"round"}`), "application/json", "second")
	out, err := c.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
		ApplicationId: aws.String(app),
		Name:          aws.String("features"),
		LocationUri:   aws.String("hosted"),
		Type:          aws.String("AWS.AppConfig.FeatureFlags"),
	})
	if err != nil {
		t.Fatalf("CreateConfigurationProfile(features): %v", err)
	}
	fx.flags = *out.Id
	createVersion(t, c, app, fx.flags, []byte(`{"version":"1","flags":{"dark_mode":{"name":"Dark mode"}},"values":{"dark_mode":{"enabled":false}}}`), "application/json", "")
	if _, err := c.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("Slow"),
		DeploymentDurationInMinutes: aws.Int32(2),
		GrowthFactor:                aws.Float32(25),
		GrowthType:                  types.GrowthTypeLinear,
		FinalBakeTimeInMinutes:      0,
		ReplicateTo:                 types.ReplicateToNone,
	}); err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	return fx
}

// TestConsoleLayout opens every main page of the console at a laptop's
// and a phone's size: no page is wider than the screen, every control
// has a label, and a screenshot of each is kept (see artifactsVar).
func TestConsoleLayout(t *testing.T) {
	t.Parallel()
	browser := newBrowser(t)
	// The browser keeps the session cookie only while it has not expired
	// by the browser's clock, so the server runs on the real clock; at
	// 600 times speed the deployment's ten-minute bake takes a second.
	ts := startServer(t, withKeys(browserKeys(t)), withRealClock(600))
	fx := newLayoutFixture(t, ts)
	app := "/console/applications/" + fx.app
	profile := app + "/profiles/" + fx.profile
	env := app + "/environments/" + fx.env
	pages := []struct{ name, path string }{
		{"applications", "/console/applications"},
		{"application", app},
		{"environment", env},
		{"profile", profile},
		{"versions", profile + "/versions"},
		{"version", profile + "/versions/2"},
		{"diff", profile + "/diff?from=1&to=2"},
		{"editor", profile + "/versions/new"},
		{"flags", app + "/profiles/" + fx.flags + "/flags"},
		{"strategies", "/console/strategies"},
		{"deployment", fmt.Sprintf("%s/deployments/%d", env, fx.deployment)},
		{"alarms", "/console/alarms"},
		{"audit", "/console/audit"},
		{"fleet", "/console/fleet"},
	}
	b := newTab(t, browser, ts.url, 2*time.Minute, false)
	b.signInWithKeyboard(accessKeyID, secretAccessKey)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			b.t = t
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if vp.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			b.do("set the viewport", chromedp.EmulateViewport(vp.width, vp.height, opts...))
			for _, pg := range pages {
				t.Run(pg.name, func(t *testing.T) {
					b.t = t
					b.checkLayout(pg.path, vp.width)
					b.screenshot(pg.name + "-" + vp.name)
				})
			}
		})
	}
}

// checkLayout opens path and checks that it fits a screen width wide and
// labels every control.
func (b *tab) checkLayout(path string, width int64) {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fail("open %s: %v", path, err)
	}
	if res.Status != http.StatusOK {
		b.fail("open %s: status %d, want 200", path, res.Status)
	}
	b.do("wait for "+path, chromedp.WaitReady(chromedp.CSS("main")))
	if got, want := b.path(), strings.SplitN(path, "?", 2)[0]; got != want {
		b.fail("open %s: the browser is at %s", path, got)
	}
	if w := eval[int64](b, `document.documentElement.scrollWidth`); w > width+1 {
		wide := eval[string](b, `[...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > `+fmt.Sprint(width+1)+`).slice(0, 5).map((e) => e.tagName + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "")).join(", ")`)
		b.fail("%s is %dpx wide on a %dpx screen (too wide: %s)", path, w, width, wide)
	}
	unlabelled := eval[[]string](b, `[...document.querySelectorAll("input, select, textarea")]
		.filter((e) => !["hidden", "submit", "button", "reset", "image"].includes(e.type))
		.filter((e) => !(e.id && document.querySelector("label[for=" + CSS.escape(e.id) + "]")) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
		.map((e) => e.outerHTML.slice(0, 120))`)
	if len(unlabelled) > 0 {
		b.fail("%s has controls without a label: %s", path, strings.Join(unlabelled, "; "))
	}
}
