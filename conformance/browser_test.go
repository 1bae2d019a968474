package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// artifactsVar names the directory where tests keep files for people to
// look at after a run (.ci/run sets it); the browser tests write their
// screenshots to its console/ subdirectory.
const artifactsVar = "APPCONFIGD_TEST_ARTIFACTS"

// withKeys makes the server accept keys instead of the one admin key.
func withKeys(keys *accesskey.Set) serverOption {
	return func(o *serverOptions) { o.config.Keys = keys }
}

// newBrowser starts a headless Chromium for one test, with a fresh
// profile, and returns a context for its first tab. The browser stops
// when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if raceDetector {
		// The time of these tests is the browser's, which the race
		// detector cannot look into; the console's code they run is
		// raced by its own tests, and .ci/run runs these without the
		// detector.
		t.Skip("the browser tests run in the test pass without the race detector")
	}
	path := apptest.NeedCommand(t, "chromium", "install Debian's chromium and chromium-driver packages (.ci/deps does) to run the console's browser tests")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Without these Chromium calls home, and on a closed network
		// its refused connections slow every page down.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first action starts the browser; it must run on a context
	// without a deadline, which would stop the browser with it.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab is one browser tab on one console. Its methods fail the test, with
// a screenshot of the page, when the browser does not do what they ask.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newTab opens a tab on the console at base, with a deadline for
// everything it does. With separate set, the tab has a cookie jar of its
// own, as a second browser would.
func newTab(t *testing.T, browser context.Context, base string, timeout time.Duration, separate bool) *tab {
	t.Helper()
	var opts []chromedp.ContextOption
	if separate {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(browser, opts...)
	t.Cleanup(cancel)
	// A laptop's screen, the size of the screenshots docs/CONSOLE.md
	// shows.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800), chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTimeout)
	return &tab{t: t, ctx: ctx, base: base}
}

// do runs actions in the tab.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// fail ends the test with a screenshot and the text of the page, which
// say more about a failure in a browser than any message.
func (b *tab) fail(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	if b.ctx.Err() == nil {
		shot := b.screenshot("failure-" + b.t.Name())
		text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href + "\n" + (document.body ? document.body.innerText : "")`))
		msg += "\nscreenshot: " + shot + "\npage: " + text
	}
	b.t.Fatal(msg)
}

// open navigates to a console path and waits for the page.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

// navigating runs act, which makes the page load another (a click on a
// submit button, a key press), and waits for that page to load.
func (b *tab) navigating(what string, act chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	loaded := chromedp.Events(ctx, page.LoadEventFired)
	b.do(what, act)
	for _, err := range loaded {
		if err != nil {
			b.fail("%s: waiting for the next page: %v", what, err)
		}
		break
	}
	b.do(what, chromedp.WaitReady(chromedp.CSS("main")))
}

// eval runs a JavaScript expression in the page and decodes its value.
func eval[T any](b *tab, expression string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fail("evaluate %s: %v", expression, err)
	}
	return v
}

// js quotes s as a JavaScript string.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitFor waits until a JavaScript expression is true on the current page.
func (b *tab) waitFor(what, expression string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](expression, chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(0))); err != nil {
		b.fail("wait until %s (%s): %v", what, expression, err)
	}
}

// text returns the visible text of the page's main element.
func (b *tab) text() string {
	b.t.Helper()
	return eval[string](b, `document.querySelector("main").innerText`)
}

// mustShow fails unless the page's main element shows every want.
func (b *tab) mustShow(want ...string) {
	b.t.Helper()
	text := b.text()
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.fail("the page does not show %q", w)
		}
	}
}

// fill types value into the control labelled label in the form whose
// action is action (a console path), replacing what it held; a select
// gets the option with that value or text.
func (b *tab) fill(action, label, value string) {
	b.t.Helper()
	id := b.controlID(action, label)
	kind := eval[string](b, `document.getElementById(`+js(id)+`).tagName`)
	if kind == "SELECT" {
		ok := eval[bool](b, `(() => { const s = document.getElementById(`+js(id)+`);
			for (const o of s.options) { if (o.value === `+js(value)+` || o.text.startsWith(`+js(value)+`)) { s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true})); return true; } }
			return false; })()`)
		if !ok {
			b.fail("the list %q of form %s has no option %q", label, action, value)
		}
		return
	}
	// Long text (a configuration) is set at once; typing it key by key
	// would take seconds and test nothing more. Short text is typed.
	set := ""
	if len(value) > 64 || strings.ContainsAny(value, "\n{}") {
		set = value
	}
	eval[bool](b, `(() => { const e = document.getElementById(`+js(id)+`); e.value = `+js(set)+`; return e.dispatchEvent(new Event("input", {bubbles: true})); })()`)
	if set != "" || value == "" {
		return
	}
	b.do("fill "+label, chromedp.SendKeys(chromedp.ID(id), value))
}

// controlID finds the id of the control a <label for> names in the form
// whose action is action; label is the label's text, or its start.
func (b *tab) controlID(action, label string) string {
	b.t.Helper()
	id := eval[string](b, `(() => {
		const form = `+formJS(action)+`;
		if (!form) return "no form";
		for (const l of form.querySelectorAll("label[for]")) {
			if (l.textContent.trim().startsWith(`+js(label)+`)) return l.htmlFor;
		}
		return "";
	})()`)
	switch id {
	case "no form":
		b.fail("the page has no form posting to %s", action)
	case "":
		b.fail("the form posting to %s has no control labelled %q", action, label)
	}
	return id
}

// formJS is a JavaScript expression for the form whose action is action:
// a console path, or a pattern (a regexp) when it starts with ^.
func formJS(action string) string {
	// getAttribute, as a control named "action" (the editor's buttons)
	// hides the form's action property.
	path := `new URL(f.getAttribute("action") || "", location.href).pathname`
	match := path + ` === ` + js(action)
	if strings.HasPrefix(action, "^") {
		match = `new RegExp(` + js(action) + `).test(` + path + `)`
	}
	return `[...document.forms].find((f) => ` + match + `)`
}

// submit presses the submit button of the form posting to action whose
// text starts with button (the first one when button is empty), and
// waits for the answer.
func (b *tab) submit(action, button string) {
	b.t.Helper()
	// The console asks before deleting (data-confirm); these tests
	// always say yes.
	found := eval[bool](b, `(() => {
		window.confirm = () => true;
		const form = `+formJS(action)+`;
		if (!form) return false;
		const btn = [...form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")]
			.find((e) => (e.textContent || e.value).trim().startsWith(`+js(button)+`));
		if (!btn) return false;
		btn.setAttribute("data-test-submit", "");
		return true;
	})()`)
	if !found {
		b.fail("no button %q in the form posting to %s", button, action)
	}
	b.navigating("submit "+action, chromedp.Click(chromedp.CSS("[data-test-submit]")))
}

// path returns the path of the page the tab shows.
func (b *tab) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname`)
}

// pathMatch returns the submatches of pattern in the tab's path, failing
// the test when it does not match.
func (b *tab) pathMatch(pattern string) []string {
	b.t.Helper()
	p := b.path()
	m := regexp.MustCompile(pattern).FindStringSubmatch(p)
	if m == nil {
		b.fail("the tab is at %s, want a path matching %s", p, pattern)
	}
	return m
}

// screenshot saves a full-page PNG of the tab as name.png in the
// artifacts directory (see artifactsVar), or the test's temporary
// directory, and returns its path.
func (b *tab) screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	dir := b.t.TempDir()
	if root := os.Getenv(artifactsVar); root != "" {
		dir = filepath.Join(root, "console")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Errorf("screenshot %s: %v", name, err)
			return ""
		}
	}
	file := filepath.Join(dir, strings.NewReplacer("/", "-", " ", "_").Replace(name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("screenshot %s: %v", name, err)
		return ""
	}
	return file
}
