package gitops

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	datatypes "github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
	"github.com/google/go-cmp/cmp"
)

// servedConfig is what fakeData serves a new session of a configuration.
type servedConfig struct{ content, contentType string }

// fakeData is an AppConfigData endpoint in memory: a session's token is
// its configuration's IDs, and its first poll gets what served holds for
// them (nothing deployed when absent).
type fakeData struct {
	served map[string]servedConfig // by "appID/envID/profileID"
	// notFound are the configurations whose session start fails with
	// ResourceNotFoundException.
	notFound map[string]bool
	// fail names the operation that fails.
	fail string

	sessions []string // the configurations sessions were started for
}

func (f *fakeData) StartConfigurationSession(_ context.Context, in *appconfigdata.StartConfigurationSessionInput, _ ...func(*appconfigdata.Options)) (*appconfigdata.StartConfigurationSessionOutput, error) {
	key := aws.ToString(in.ApplicationIdentifier) + "/" + aws.ToString(in.EnvironmentIdentifier) + "/" + aws.ToString(in.ConfigurationProfileIdentifier)
	f.sessions = append(f.sessions, key)
	if f.fail == "StartConfigurationSession" {
		return nil, errFake
	}
	if f.notFound[key] {
		return nil, &datatypes.ResourceNotFoundException{Message: aws.String("Configuration profile " + aws.ToString(in.ConfigurationProfileIdentifier) + " not found")}
	}
	return &appconfigdata.StartConfigurationSessionOutput{InitialConfigurationToken: aws.String(key)}, nil
}

func (f *fakeData) GetLatestConfiguration(_ context.Context, in *appconfigdata.GetLatestConfigurationInput, _ ...func(*appconfigdata.Options)) (*appconfigdata.GetLatestConfigurationOutput, error) {
	if f.fail == "GetLatestConfiguration" {
		return nil, errFake
	}
	s := f.served[aws.ToString(in.ConfigurationToken)]
	out := &appconfigdata.GetLatestConfigurationOutput{NextPollConfigurationToken: aws.String("next")}
	if s.content != "" {
		out.Configuration = []byte(s.content)
	}
	if s.contentType != "" {
		out.ContentType = aws.String(s.contentType)
	}
	return out, nil
}

// ionFlags is a multi-variant flag configuration as the data plane
// serves it (docs/WIRE.md §4.2).
const ionFlags = "'banner'::'''{\"enabled\": false}'''\n"

// newAgentDevFakes returns an endpoint whose environments named prod
// serve: in shop, a JSON, a text, an Ion flag and a raw configuration, a
// profile with nothing deployed, one the data plane does not find, and
// profiles whose names no file can carry; shop's dev environment, and an
// application "web" without prod, serve something too.
func newAgentDevFakes() (*fakeClient, *fakeData) {
	profile := func(app, id, name string) *appconfig.GetConfigurationProfileOutput {
		return &appconfig.GetConfigurationProfileOutput{ApplicationId: aws.String(app), Id: aws.String(id), Name: aws.String(name), LocationUri: aws.String("hosted")}
	}
	env := func(id, name string) types.Environment {
		return types.Environment{Id: aws.String(id), Name: aws.String(name)}
	}
	control := &fakeClient{
		apps: []types.Application{
			{Id: aws.String("app1"), Name: aws.String("shop")},
			{Id: aws.String("app2"), Name: aws.String("web")},
		},
		envs: map[string][]types.Environment{
			"app1": {env("edev", "dev"), env("eprod", "prod")},
			"app2": {env("ewdev", "dev")},
		},
		profiles: map[string][]*appconfig.GetConfigurationProfileOutput{
			"app1": {
				profile("app1", "pset", "settings"),
				profile("app1", "pmotd", "motd"),
				profile("app1", "pflags", "flags"),
				profile("app1", "praw", "raw"),
				profile("app1", "pempty", "empty"),
				profile("app1", "premote", "remote"),
				profile("app1", "pslash", "a/b"),
				profile("app1", "pcolon", "a:b"),
				profile("app1", "pnul", "a\x00b"),
			},
			"app2": {profile("app2", "pweb", "settings")},
		},
	}
	data := &fakeData{
		served: map[string]servedConfig{
			"app1/eprod/pset":   {`{"mode": "prod"}`, "application/json"},
			"app1/eprod/pmotd":  {"Hello", "text/plain"},
			"app1/eprod/pflags": {ionFlags, "application/ion; type=AWS.AppConfig.FeatureFlags"},
			"app1/eprod/praw":   {"\x00\x01", ""},
			"app1/edev/pset":    {`{"mode": "dev"}`, "application/json"},
			"app2/ewdev/pweb":   {`{"web": true}`, "application/json"},
			// Names no file can carry: never asked for.
			"app1/eprod/pslash": {"slash", "text/plain"},
			"app1/eprod/pcolon": {"colon", "text/plain"},
			"app1/eprod/pnul":   {"nul", "text/plain"},
		},
		notFound: map[string]bool{"app1/eprod/premote": true},
	}
	return control, data
}

// dirFiles returns every file in dir by name; subdirectories are listed
// as "/".
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			files[e.Name()] = "/"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = string(b)
	}
	return files
}

// skipLines returns the summary's skipped configurations as report lines.
func skipLines(s *AgentDevSummary) []string {
	var lines []string
	for _, sk := range s.Skipped {
		lines = append(lines, sk.String())
	}
	return lines
}

func TestAgentDevExtension(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contentType string
		want        string
		wantOK      bool
	}{
		{"", "", true},
		{"application/json", "json", true},
		{"text/plain", "text%plain", true},
		{"application/ion; type=AWS.AppConfig.FeatureFlags", "application%ion%type=AWS.AppConfig.FeatureFlags", true},
		{"application/ion;type=AWS.AppConfig.FeatureFlags", "application%ion%type=AWS.AppConfig.FeatureFlags", true},
		{"application/json; charset=utf-8", "application%json%charset=utf-8", true},
		{"application/x-yaml", "application%x-yaml", true},
		{" text / plain ; a=b ;; c=d ", "text%plain%a=b%c=d", true},
		{"text", "", false},
		{"/plain", "", false},
		{"text/", "", false},
		{"text/plain; a=50%", "", false},
		{"multipart/mixed; boundary=a/b", "", false},
		{"text/pl\x00ain", "", false},
	}
	for _, tt := range tests {
		got, ok := AgentDevExtension(tt.contentType)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("AgentDevExtension(%q) = %q, %v; want %q, %v", tt.contentType, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestAgentDevNameProblem(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"settings", "my.flags", "a b", "é", "%41"} {
		if p := AgentDevNameProblem(name); p != "" {
			t.Errorf("AgentDevNameProblem(%q) = %q; want none", name, p)
		}
	}
	for _, name := range []string{"", "a/b", "a:b", "a\x00b"} {
		if p := AgentDevNameProblem(name); p == "" {
			t.Errorf("AgentDevNameProblem(%q) = none; want a problem", name)
		}
	}
}

func TestExportAgentDev(t *testing.T) {
	t.Parallel()
	prod := AgentDevOptions{Environment: "prod"}

	t.Run("WritesWhatTheDataPlaneServes", func(t *testing.T) {
		t.Parallel()
		control, data := newAgentDevFakes()
		dir := filepath.Join(t.TempDir(), "local")
		summary, err := ExportAgentDev(t.Context(), control, data, dir, prod)
		if err != nil {
			t.Fatalf("ExportAgentDev: %v", err)
		}
		want := map[string]string{
			"shop:prod:settings.json":   `{"mode": "prod"}`,
			"shop:prod:motd.text%plain": "Hello",
			"shop:prod:flags.application%ion%type=AWS.AppConfig.FeatureFlags": ionFlags,
			"shop:prod:raw": "\x00\x01",
		}
		if diff := cmp.Diff(want, dirFiles(t, dir)); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
		wantWritten := slices.Sorted(func(yield func(string) bool) {
			for name := range want {
				if !yield(name) {
					return
				}
			}
		})
		if diff := cmp.Diff(wantWritten, summary.Written); diff != "" {
			t.Errorf("Written (-want +got):\n%s", diff)
		}
		wantSkipped := []string{
			`"shop:prod:a\x00b": the profile name has a NUL, which no file name can hold`,
			`shop:prod:a/b: the profile name has a "/", which no file name can hold`,
			`shop:prod:a:b: the profile name has a ":", which separates the names in the agent's file names`,
			"shop:prod:empty: nothing deployed",
			"shop:prod:remote: AppConfigData does not find it: Configuration profile premote not found",
		}
		if diff := cmp.Diff(wantSkipped, skipLines(summary)); diff != "" {
			t.Errorf("Skipped (-want +got):\n%s", diff)
		}
		if summary.WithoutEnvironment != 1 {
			t.Errorf("WithoutEnvironment = %d; want 1 (web)", summary.WithoutEnvironment)
		}
		if len(summary.Removed) != 0 {
			t.Errorf("Removed = %q; want none", summary.Removed)
		}
		for _, s := range data.sessions {
			if strings.Contains(s, "edev") || strings.HasPrefix(s, "app2/") || strings.HasSuffix(s, "/pslash") || strings.HasSuffix(s, "/pcolon") || strings.HasSuffix(s, "/pnul") {
				t.Errorf("a session was started for %s; want sessions of prod's valid names only", s)
			}
		}
	})

	t.Run("SkipsWhatTheAgentCannotTellApart", func(t *testing.T) {
		t.Parallel()
		profile := func(app, id, name string) *appconfig.GetConfigurationProfileOutput {
			return &appconfig.GetConfigurationProfileOutput{ApplicationId: aws.String(app), Id: aws.String(id), Name: aws.String(name)}
		}
		control := &fakeClient{
			apps: []types.Application{
				{Id: aws.String("a1"), Name: aws.String("twin")},
				{Id: aws.String("a2"), Name: aws.String("twin")},
				{Id: aws.String("a3"), Name: aws.String("d")},
			},
			envs: map[string][]types.Environment{
				"a1": {{Id: aws.String("e1"), Name: aws.String("prod")}},
				"a2": {{Id: aws.String("e2"), Name: aws.String("prod")}},
				"a3": {{Id: aws.String("e3"), Name: aws.String("prod")}},
			},
			profiles: map[string][]*appconfig.GetConfigurationProfileOutput{
				"a1": {profile("a1", "p1", "p")},
				"a2": {profile("a2", "p2", "p")},
				"a3": {
					profile("a3", "pFlags", "Flags"), profile("a3", "pflags", "flags"),
					profile("a3", "px", "x"), profile("a3", "pxjson", "x.json"),
					profile("a3", "py", "y"), profile("a3", "pya", "y.a"),
					profile("a3", "pz", "z"),
					profile("a3", "plong", strings.Repeat("l", 250)),
				},
			},
		}
		data := &fakeData{served: map[string]servedConfig{
			"a1/e1/p1":     {"one", "text/plain"},
			"a2/e2/p2":     {"two", "text/plain"},
			"a3/e3/pFlags": {"{}", "application/json"},
			"a3/e3/pflags": {"{}", "application/json"},
			// app:env:x.json is x's file, and the exact name of x.json,
			// whose own file is then x's shortest app:env:x.EXT.
			"a3/e3/px":     {`{"x": 1}`, "application/json"},
			"a3/e3/pxjson": {`{"x.json": 1}`, "application/json"},
			// y.a's file is shorter than y's, so the agent would serve
			// it for y; without it, y is served its own.
			"a3/e3/py":    {ionFlags, "application/ion;type=AWS.AppConfig.FeatureFlags"},
			"a3/e3/pya":   {`{"y.a": 1}`, "application/json"},
			"a3/e3/pz":    {"z", "text"},
			"a3/e3/plong": {"long", "application/json"},
		}}
		dir := t.TempDir()
		summary, err := ExportAgentDev(t.Context(), control, data, dir, prod)
		if err != nil {
			t.Fatalf("ExportAgentDev: %v", err)
		}
		want := map[string]string{"d:prod:y.application%ion%type=AWS.AppConfig.FeatureFlags": ionFlags}
		if diff := cmp.Diff(want, dirFiles(t, dir)); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
		wantSkipped := []string{
			"d:prod:Flags: its file name and d:prod:flags's differ only in letter case, which some file systems do not tell apart",
			"d:prod:flags: its file name and d:prod:Flags's differ only in letter case, which some file systems do not tell apart",
			"d:prod:" + strings.Repeat("l", 250) + ": its file name would be 262 bytes long, more than file systems take (255)",
			"d:prod:x: the agent would serve its file for d:prod:x.json too",
			"d:prod:x.json: the agent would serve its file for d:prod:x too",
			"d:prod:y.a: the agent would serve its file for d:prod:y too",
			`d:prod:z: the content type "text" has no file extension the agent reads back as it`,
			"twin:prod:p: another configuration has the same names; the agent asks for configurations by name",
			"twin:prod:p: another configuration has the same names; the agent asks for configurations by name",
		}
		if diff := cmp.Diff(wantSkipped, skipLines(summary)); diff != "" {
			t.Errorf("Skipped (-want +got):\n%s", diff)
		}
	})

	t.Run("ConfigurationFilesNeedForce", func(t *testing.T) {
		t.Parallel()
		control, data := newAgentDevFakes()
		dir := t.TempDir()
		writeTestFile(t, dir, "old:prod:gone.json", "old")
		writeTestFile(t, dir, "README.md", "mine")
		_, err := ExportAgentDev(t.Context(), control, data, dir, prod)
		if !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("ExportAgentDev = %v; want ErrNotEmpty", err)
		}
		if control.calls != 0 || len(data.sessions) != 0 {
			t.Errorf("%d control calls and %d sessions; want none before the directory is checked", control.calls, len(data.sessions))
		}
		want := map[string]string{"old:prod:gone.json": "old", "README.md": "mine"}
		if diff := cmp.Diff(want, dirFiles(t, dir)); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
	})

	t.Run("OtherFilesNeedNoForce", func(t *testing.T) {
		t.Parallel()
		control, data := newAgentDevFakes()
		dir := t.TempDir()
		writeTestFile(t, dir, "README.md", "mine")
		if _, err := ExportAgentDev(t.Context(), control, data, dir, prod); err != nil {
			t.Fatalf("ExportAgentDev: %v", err)
		}
		if got := dirFiles(t, dir); got["README.md"] != "mine" || got["shop:prod:settings.json"] == "" {
			t.Errorf("files = %q; want README.md kept and the configurations written", got)
		}
	})

	t.Run("ForceReplacesConfigurationFilesOnly", func(t *testing.T) {
		t.Parallel()
		control, data := newAgentDevFakes()
		dir := t.TempDir()
		writeTestFile(t, dir, "old:prod:gone.json", "old")
		writeTestFile(t, dir, "shop:prod:settings.json", "stale")
		writeTestFile(t, dir, "Shop:prod:motd.text%plain", "other case")
		writeTestFile(t, dir, "README.md", "mine")
		if err := os.Mkdir(filepath.Join(dir, "a:b:c"), 0o755); err != nil {
			t.Fatal(err)
		}
		summary, err := ExportAgentDev(t.Context(), control, data, dir, AgentDevOptions{Environment: "prod", Force: true})
		if err != nil {
			t.Fatalf("ExportAgentDev: %v", err)
		}
		got := dirFiles(t, dir)
		want := map[string]string{
			"README.md":                 "mine",
			"a:b:c":                     "/",
			"shop:prod:settings.json":   `{"mode": "prod"}`,
			"shop:prod:motd.text%plain": "Hello",
			"shop:prod:flags.application%ion%type=AWS.AppConfig.FeatureFlags": ionFlags,
			"shop:prod:raw": "\x00\x01",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"Shop:prod:motd.text%plain", "old:prod:gone.json"}, summary.Removed); diff != "" {
			t.Errorf("Removed (-want +got):\n%s", diff)
		}
	})

	t.Run("FailedCallChangesNothing", func(t *testing.T) {
		t.Parallel()
		for _, op := range []string{"ListApplications", "ListEnvironments", "ListConfigurationProfiles", "StartConfigurationSession", "GetLatestConfiguration"} {
			control, data := newAgentDevFakes()
			control.fail, data.fail = op, op
			dir := t.TempDir()
			writeTestFile(t, dir, "shop:prod:settings.json", "kept")
			_, err := ExportAgentDev(t.Context(), control, data, dir, AgentDevOptions{Environment: "prod", Force: true})
			if !errors.Is(err, errFake) {
				t.Errorf("%s fails: ExportAgentDev = %v; want the failure", op, err)
			}
			if diff := cmp.Diff(map[string]string{"shop:prod:settings.json": "kept"}, dirFiles(t, dir)); diff != "" {
				t.Errorf("%s fails: files (-want +got):\n%s", op, diff)
			}
		}
	})

	t.Run("EnvironmentNameMustMakeAFileName", func(t *testing.T) {
		t.Parallel()
		for _, env := range []string{"", "a:b", "a/b"} {
			control, data := newAgentDevFakes()
			if _, err := ExportAgentDev(t.Context(), control, data, t.TempDir(), AgentDevOptions{Environment: env}); err == nil {
				t.Errorf("environment %q: ExportAgentDev succeeded; want an error", env)
			}
			if control.calls != 0 {
				t.Errorf("environment %q: %d calls; want none", env, control.calls)
			}
		}
	})
}

// writeTestFile writes a file in dir.
func writeTestFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
