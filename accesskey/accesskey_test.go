package accesskey_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
	"github.com/appconfigd/appconfigd/sigv4"
)

// The Set is what the SigV4 verifier looks keys up in.
var _ sigv4.KeyLookup = (*accesskey.Set)(nil)

const goodFile = `{
  "keys": [
    {"name": "ops", "accessKeyId": "AKOPS00000000001", "secretAccessKey": "ops-secret-0123456789", "role": "admin"},
    {"name": "web", "accessKeyId": "AKWEB00000000001", "secretAccessKey": "web/secret+0123456789", "role": "reader", "applications": ["web", "abc1234"]},
    {"name": "all-reader", "accessKeyId": "reader_1", "secretAccessKey": "reader-secret-0123", "role": "reader"}
  ]
}`

func writeFile(t *testing.T, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is subject to the umask; set it exactly.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadFile(t *testing.T) {
	keys, err := accesskey.ReadFile(writeFile(t, goodFile, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	want := []accesskey.Key{
		{Name: "ops", AccessKeyID: "AKOPS00000000001", SecretAccessKey: "ops-secret-0123456789", Role: appconfigd.RoleAdmin},
		{Name: "web", AccessKeyID: "AKWEB00000000001", SecretAccessKey: "web/secret+0123456789", Role: appconfigd.RoleReader, Applications: []string{"web", "abc1234"}},
		{Name: "all-reader", AccessKeyID: "reader_1", SecretAccessKey: "reader-secret-0123", Role: appconfigd.RoleReader},
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if _, err := accesskey.ReadFile(writeFile(t, goodFile, 0o400)); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
}

func TestReadFilePermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o666, 0o610} {
		_, err := accesskey.ReadFile(writeFile(t, goodFile, mode))
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: err = %v, want a refusal saying to chmod 600", mode, err)
		}
	}
	if _, err := accesskey.ReadFile(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := accesskey.ReadFile(t.TempDir()); err == nil {
		t.Error("a directory was accepted")
	}
}

func TestParseFileErrors(t *testing.T) {
	key := func(fields string) string { return `{"keys":[` + fields + `]}` }
	ops := `{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789","role":"admin"}`
	cases := []struct {
		name, file, want string
	}{
		{"empty", ``, "decode"},
		{"not JSON", `keys: []`, "decode"},
		{"no keys", `{"keys":[]}`, "no keys"},
		{"no keys member", `{}`, "no keys"},
		{"unknown top-level member", `{"keys":[` + ops + `],"version":1}`, `unknown field "version"`},
		{"unknown key member (misspelt)", key(`{"name":"web","accessKeyId":"AKWEB00000000001","secretAccessKey":"web-secret-0123456789","role":"reader","aplications":["web"]}`), `unknown field "aplications"`},
		{"trailing data", `{"keys":[` + ops + `]} {}`, "after the top-level object"},
		{"wrong type", key(`{"name":"ops","accessKeyId":1,"secretAccessKey":"ops-secret-0123456789","role":"admin"}`), "decode"},
		{"duplicate name", key(ops + `,{"name":"ops","accessKeyId":"AKOPS00000000002","secretAccessKey":"ops-secret-0123456789","role":"admin"}`), `two keys are named "ops"`},
		{"duplicate access key ID", key(ops + `,{"name":"ops2","accessKeyId":"AKOPS00000000001","secretAccessKey":"other-secret-0123456789","role":"admin"}`), `same access key ID "AKOPS00000000001"`},
		{"no role", key(`{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789"}`), "role is required"},
		{"unknown role", key(`{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789","role":"root"}`), `role "root" is not`},
		{"role in capitals", key(`{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789","role":"Admin"}`), `role "Admin" is not`},
		{"admin with applications", key(`{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789","role":"admin","applications":["web"]}`), "only limit a reader"},
		{"empty application", key(`{"name":"web","accessKeyId":"AKWEB00000000001","secretAccessKey":"web-secret-0123456789","role":"reader","applications":[""]}`), "empty name"},
		{"short secret", key(`{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"short","role":"admin"}`), "secret access key must be 16-1024 characters, has 5"},
		{"secret with a space", key(`{"name":"ops","accessKeyId":"AKOPS00000000001","secretAccessKey":"with a space 0123456","role":"admin"}`), "printable ASCII without spaces"},
		{"short key ID", key(`{"name":"ops","accessKeyId":"AK","secretAccessKey":"ops-secret-0123456789","role":"admin"}`), `access key ID "AK" must be 3-128`},
		{"key ID with a slash", key(`{"name":"ops","accessKeyId":"AK/OPS","secretAccessKey":"ops-secret-0123456789","role":"admin"}`), "must be 3-128"},
		{"key ID too long", key(`{"name":"ops","accessKeyId":"` + strings.Repeat("A", 129) + `","secretAccessKey":"ops-secret-0123456789","role":"admin"}`), "must be 3-128"},
		{"no name", key(`{"accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789","role":"admin"}`), "key name"},
		{"name with a space", key(`{"name":"o ps","accessKeyId":"AKOPS00000000001","secretAccessKey":"ops-secret-0123456789","role":"admin"}`), "key name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := accesskey.ParseFile([]byte(c.file))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	// Through ReadFile the error names the file.
	path := writeFile(t, `{"keys":[]}`, 0o600)
	if _, err := accesskey.ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile error %v does not name %s", err, path)
	}
}

func TestFromEnv(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	k, ok, err := accesskey.FromEnv(env(nil))
	if ok || err != nil {
		t.Errorf("no variables: %+v %v %v", k, ok, err)
	}
	k, ok, err = accesskey.FromEnv(env(map[string]string{
		accesskey.EnvAccessKeyID:     "AKENV0000000001",
		accesskey.EnvSecretAccessKey: "env-secret-0123456789",
	}))
	want := accesskey.Key{Name: "env-admin", AccessKeyID: "AKENV0000000001", SecretAccessKey: "env-secret-0123456789", Role: appconfigd.RoleAdmin}
	if !ok || err != nil || !cmp.Equal(k, want) {
		t.Errorf("both variables: %+v %v %v", k, ok, err)
	}
	for _, only := range []string{accesskey.EnvAccessKeyID, accesskey.EnvSecretAccessKey} {
		_, ok, err := accesskey.FromEnv(env(map[string]string{only: "AKENV0000000001-secret"}))
		if ok || err == nil || !strings.Contains(err.Error(), "set both or neither") {
			t.Errorf("only %s: %v %v", only, ok, err)
		}
	}
	_, _, err = accesskey.FromEnv(env(map[string]string{accesskey.EnvAccessKeyID: "AKENV0000000001", accesskey.EnvSecretAccessKey: "short"}))
	if err == nil || !strings.Contains(err.Error(), accesskey.EnvSecretAccessKey) {
		t.Errorf("short secret: %v", err)
	}
	// nil getenv reads the process environment.
	t.Setenv(accesskey.EnvAccessKeyID, "AKENV0000000002")
	t.Setenv(accesskey.EnvSecretAccessKey, "env-secret-0123456789")
	if k, ok, err := accesskey.FromEnv(nil); !ok || err != nil || k.AccessKeyID != "AKENV0000000002" {
		t.Errorf("os.Getenv: %+v %v %v", k, ok, err)
	}
}

func TestEnsureGeneratedAdmin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	k, created, err := accesskey.EnsureGeneratedAdmin(dir)
	if err != nil || !created {
		t.Fatalf("first call: created %v, err %v", created, err)
	}
	if !regexp.MustCompile(`^AKAC[A-Z0-9]{16}$`).MatchString(k.AccessKeyID) {
		t.Errorf("access key ID %q is not AKAC + 16 of [A-Z0-9]", k.AccessKeyID)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).MatchString(k.SecretAccessKey) {
		t.Errorf("secret %q is not 40 letters and digits", k.SecretAccessKey)
	}
	if k.Role != appconfigd.RoleAdmin || k.Name != accesskey.GeneratedKeyName || k.Validate() != nil {
		t.Errorf("key %+v", k)
	}

	path := filepath.Join(dir, accesskey.GeneratedFileName)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", info.Mode().Perm())
	}
	// The file is in the key file format: it can be given as --keys-file.
	keys, err := accesskey.ReadFile(path)
	if err != nil || len(keys) != 1 || !cmp.Equal(keys[0], k) {
		t.Errorf("ReadFile of the generated file: %+v %v", keys, err)
	}

	// Later starts reuse the key, and do not rewrite the file.
	before, _ := os.ReadFile(path)
	again, created, err := accesskey.EnsureGeneratedAdmin(dir)
	if err != nil || created || !cmp.Equal(again, k) {
		t.Errorf("second call: %+v created %v err %v, want the same key", again, created, err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the second call rewrote the file")
	}
	if runtime.GOOS != "windows" {
		if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
			t.Errorf("data directory mode: %v %v, want 0700", info.Mode().Perm(), err)
		}
	}
}

func TestEnsureGeneratedAdminRefusesBadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, accesskey.GeneratedFileName)
	reader := `{"keys":[{"name":"x","accessKeyId":"AKX00000000001","secretAccessKey":"x-secret-0123456789","role":"reader"}]}`
	for _, c := range []struct {
		content string
		mode    os.FileMode
		want    string
	}{
		{"{", 0o600, "delete it"},
		{reader, 0o600, "exactly one admin key"},
		{goodFile, 0o600, "exactly one admin key"},
		{`{"keys":[{"name":"x","accessKeyId":"AKX00000000001","secretAccessKey":"x-secret-0123456789","role":"admin"}]}`, 0o644, "chmod 600"},
	} {
		if runtime.GOOS == "windows" && c.mode != 0o600 {
			continue
		}
		if err := os.WriteFile(path, []byte(c.content), c.mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, c.mode)
		_, _, err := accesskey.EnsureGeneratedAdmin(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q mode %04o: err = %v, want %q", c.content, c.mode, err, c.want)
		}
		after, _ := os.ReadFile(path)
		if string(after) != c.content {
			t.Errorf("a bad file was overwritten")
		}
	}
}

func TestGenerateIsRandomAndUniform(t *testing.T) {
	a, err := accesskey.Generate("a", bytes.NewReader(bytes.Repeat([]byte{0}, 1000)))
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessKeyID != "AKAC"+strings.Repeat("A", 16) || a.SecretAccessKey != strings.Repeat("A", 40) {
		t.Errorf("from zeros: %+v", a)
	}
	// Bytes that would bias the draw are skipped: 252..255 for the
	// 36-letter alphabet (252 = 7*36), 248..255 for the 62-letter one.
	src := append(bytes.Repeat([]byte{255, 252, 35}, 16), bytes.Repeat([]byte{250, 61}, 40)...)
	b, err := accesskey.Generate("b", bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if b.AccessKeyID != "AKAC"+strings.Repeat("9", 16) || b.SecretAccessKey != strings.Repeat("9", 40) {
		t.Errorf("rejection sampling: %+v", b)
	}
	if _, err := accesskey.Generate("c", bytes.NewReader(nil)); err == nil {
		t.Error("no randomness: no error")
	}
}

func TestSet(t *testing.T) {
	keys, err := accesskey.ParseFile([]byte(goodFile))
	if err != nil {
		t.Fatal(err)
	}
	set, err := accesskey.NewSet(keys...)
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 3 {
		t.Errorf("Len = %d", set.Len())
	}
	secret, p, ok := set.LookupAccessKey("AKWEB00000000001")
	want := appconfigd.Principal{AccessKeyID: "AKWEB00000000001", Name: "web", Role: appconfigd.RoleReader, Applications: []string{"web", "abc1234"}}
	if !ok || secret != "web/secret+0123456789" || !cmp.Equal(p, want) {
		t.Errorf("lookup: %q %+v %v", secret, p, ok)
	}
	if _, _, ok := set.LookupAccessKey("akweb00000000001"); ok {
		t.Error("lookup is case-insensitive; access key IDs are exact")
	}
	if _, _, ok := set.LookupAccessKey(""); ok {
		t.Error("empty ID found")
	}
	if p, ok := set.VerifySecret("AKOPS00000000001", "ops-secret-0123456789"); !ok || p.Name != "ops" {
		t.Errorf("VerifySecret with the right secret: %+v %v", p, ok)
	}
	for _, c := range [][2]string{{"AKOPS00000000001", "ops-secret-012345678"}, {"AKOPS00000000001", ""}, {"nobody", "ops-secret-0123456789"}} {
		if _, ok := set.VerifySecret(c[0], c[1]); ok {
			t.Errorf("VerifySecret(%q, %q) accepted", c[0], c[1])
		}
	}
	// Callers cannot change the set through what it returns.
	p.Applications[0] = "changed"
	set.Keys()[1].Applications[0] = "changed"
	if _, p, _ := set.LookupAccessKey("AKWEB00000000001"); p.Applications[0] != "web" {
		t.Error("the set shares its slices")
	}
}

func TestLoad(t *testing.T) {
	envKeys := func(k map[string]string) func(string) string { return func(n string) string { return k[n] } }
	noEnv := envKeys(nil)
	env := envKeys(map[string]string{accesskey.EnvAccessKeyID: "AKENV0000000001", accesskey.EnvSecretAccessKey: "env-secret-0123456789"})

	t.Run("env and file together", func(t *testing.T) {
		dir := t.TempDir()
		l, err := accesskey.Load(accesskey.Sources{Getenv: env, KeysFile: writeFile(t, goodFile, 0o600), DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if l.Set.Len() != 4 || l.Generated != nil {
			t.Errorf("loaded %d keys, generated %v", l.Set.Len(), l.Generated)
		}
		if _, err := os.Stat(filepath.Join(dir, accesskey.GeneratedFileName)); !errors.Is(err, os.ErrNotExist) {
			t.Error("a key was generated although keys were configured")
		}
	})
	t.Run("env key ID also in the file", func(t *testing.T) {
		clash := envKeys(map[string]string{accesskey.EnvAccessKeyID: "AKOPS00000000001", accesskey.EnvSecretAccessKey: "env-secret-0123456789"})
		_, err := accesskey.Load(accesskey.Sources{Getenv: clash, KeysFile: writeFile(t, goodFile, 0o600)})
		if err == nil || !strings.Contains(err.Error(), "same access key ID") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("bad file", func(t *testing.T) {
		if _, err := accesskey.Load(accesskey.Sources{Getenv: env, KeysFile: writeFile(t, goodFile, 0o644)}); err == nil && runtime.GOOS != "windows" {
			t.Error("a world-readable key file was accepted")
		}
	})
	t.Run("nothing configured generates once", func(t *testing.T) {
		dir := t.TempDir()
		first, err := accesskey.Load(accesskey.Sources{Getenv: noEnv, DataDir: dir})
		if err != nil || first.Generated == nil || !first.Created || first.Set.Len() != 1 {
			t.Fatalf("first: %+v %v", first, err)
		}
		if first.GeneratedPath != filepath.Join(dir, accesskey.GeneratedFileName) {
			t.Errorf("GeneratedPath = %s", first.GeneratedPath)
		}
		second, err := accesskey.Load(accesskey.Sources{Getenv: noEnv, DataDir: dir})
		if err != nil || second.Created || second.Generated.AccessKeyID != first.Generated.AccessKeyID {
			t.Errorf("second: %+v %v", second, err)
		}
		if _, _, ok := second.Set.LookupAccessKey(first.Generated.AccessKeyID); !ok {
			t.Error("the generated key is not in the set")
		}
	})
	t.Run("nothing configured, generation forbidden", func(t *testing.T) {
		_, err := accesskey.Load(accesskey.Sources{Getenv: noEnv, DataDir: t.TempDir(), NoGenerate: true})
		if !errors.Is(err, accesskey.ErrNoKeys) {
			t.Errorf("err = %v, want ErrNoKeys", err)
		}
	})
}

func TestShellExports(t *testing.T) {
	k := accesskey.Key{Name: "ops", AccessKeyID: "AKOPS00000000001", SecretAccessKey: "it's/a+secret$x", Role: appconfigd.RoleAdmin}
	got := accesskey.ShellExports(k, accesskey.CLIUsage{EndpointURL: "http://127.0.0.1:2771", Region: "us-east-1"})
	want := `export AWS_ACCESS_KEY_ID=AKOPS00000000001
export AWS_SECRET_ACCESS_KEY='it'\''s/a+secret$x'
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:2771
unset AWS_SESSION_TOKEN AWS_PROFILE
# AWS CLI v2 before 2.13 ignores AWS_ENDPOINT_URL: pass --endpoint-url
aws appconfig list-applications --endpoint-url http://127.0.0.1:2771
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	got = accesskey.ShellExports(k, accesskey.CLIUsage{SecretEnv: accesskey.EnvSecretAccessKey})
	want = `export AWS_ACCESS_KEY_ID=AKOPS00000000001
export AWS_SECRET_ACCESS_KEY="$APPCONFIGD_ADMIN_SECRET_ACCESS_KEY"
unset AWS_SESSION_TOKEN AWS_PROFILE
aws appconfig list-applications
`
	if got != want {
		t.Errorf("SecretEnv: got:\n%s\nwant:\n%s", got, want)
	}
}

// TestShellExportsFromFile runs the rendered lines in a real shell against
// a generated key file: the secret is read from the file, never printed.
func TestShellExportsFromFile(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := filepath.Join(t.TempDir(), "data dir with 'quotes'")
	k, _, err := accesskey.EnsureGeneratedAdmin(dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := accesskey.ShellExports(k, accesskey.CLIUsage{EndpointURL: "http://h:1", Region: "eu-west-1", SecretFile: filepath.Join(dir, accesskey.GeneratedFileName)})
	if strings.Contains(lines, k.SecretAccessKey) {
		t.Fatalf("the secret is printed:\n%s", lines)
	}
	// Replace the final command with one that prints what was exported.
	script := strings.Replace(lines, "aws appconfig list-applications --endpoint-url http://h:1\n", `printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_REGION" "$AWS_DEFAULT_REGION" "$AWS_ENDPOINT_URL"`, 1)
	out, err := exec.Command(sh, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s\nscript:\n%s", err, out, script)
	}
	want := strings.Join([]string{k.AccessKeyID, k.SecretAccessKey, "eu-west-1", "eu-west-1", "http://h:1"}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("shell printed:\n%s\nwant:\n%s", out, want)
	}
}

// TestKeyJSONNames pins the file format's member names.
func TestKeyJSONNames(t *testing.T) {
	b, _ := json.Marshal(accesskey.File{Keys: []accesskey.Key{{Name: "n", AccessKeyID: "i", SecretAccessKey: "s", Role: "reader", Applications: []string{"a"}}}})
	if want := `{"keys":[{"name":"n","accessKeyId":"i","secretAccessKey":"s","role":"reader","applications":["a"]}]}`; string(b) != want {
		t.Errorf("%s\nwant %s", b, want)
	}
}
