package gitops

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWrite writes trees that did not come from an endpoint.
func TestWrite(t *testing.T) {
	t.Parallel()

	t.Run("ManifestsAreCompletedAndNamedByTheLayout", func(t *testing.T) {
		t.Parallel()
		// No headers, a content file named otherwise, two environments
		// named alike, a name that needs escaping.
		tr := &Tree{Applications: []*ApplicationTree{{
			ID: "a1", Application: Application{Name: "web/ui"},
			Environments: []*EnvironmentFile{
				{ID: "e1", Environment: Environment{Name: "dev"}},
				{ID: "e2", Environment: Environment{Name: "dev"}},
			},
			Profiles: []*ProfileTree{{ID: "p1", ConfigurationProfile: ConfigurationProfile{Name: "flags", LocationURI: "hosted"},
				Versions: []*VersionFile{{HostedConfigurationVersion: HostedConfigurationVersion{Version: 2, ContentType: "text/plain", Content: "other.txt"}, Data: []byte("two")}},
			}},
		}}}
		dir := filepath.Join(t.TempDir(), "config")
		if err := Write(tr, dir, false); err != nil {
			t.Fatalf("Write: %v", err)
		}
		want := map[string]string{
			"applications/web%2Fui/application.yaml":               "apiVersion: appconfigd/v1\nkind: Application\nname: web/ui\n",
			"applications/web%2Fui/environments/dev~e1.yaml":       "apiVersion: appconfigd/v1\nkind: Environment\nname: dev\n",
			"applications/web%2Fui/environments/dev~e2.yaml":       "apiVersion: appconfigd/v1\nkind: Environment\nname: dev\n",
			"applications/web%2Fui/profiles/flags/profile.yaml":    "apiVersion: appconfigd/v1\nkind: ConfigurationProfile\nname: flags\nlocationUri: hosted\n",
			"applications/web%2Fui/profiles/flags/versions/2.yaml": "apiVersion: appconfigd/v1\nkind: HostedConfigurationVersion\nversion: 2\ncontentType: text/plain\ncontent: 2.txt\n",
			"applications/web%2Fui/profiles/flags/versions/2.txt":  "two",
		}
		if diff := cmp.Diff(want, readTree(t, dir)); diff != "" {
			t.Errorf("files (-want +got):\n%s", diff)
		}
	})

	t.Run("LoadedTreeWritesBackToItself", func(t *testing.T) {
		t.Parallel()
		dir := filepath.Join(t.TempDir(), "config")
		if err := Write(loaded(t), dir, false); err != nil {
			t.Fatalf("Write: %v", err)
		}
		again, err := LoadDir(dir)
		if err != nil {
			t.Fatalf("LoadDir of what Write wrote: %v", err)
		}
		if changes, err := Plan(loaded(t), again, PlanOptions{Deploy: true, Prune: true}); err != nil || len(changes) != 0 {
			t.Errorf("Plan against the tree read back = %q, %v; want nothing", lines(changes), err)
		}
		dir2 := filepath.Join(t.TempDir(), "config")
		if err := Write(again, dir2, false); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if diff := cmp.Diff(readTree(t, dir), readTree(t, dir2)); diff != "" {
			t.Errorf("second write differs (-first +second):\n%s", diff)
		}
	})

	t.Run("NonEmptyDirectoryIsRefusedUnlessForced", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "README"), []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Write(loaded(t), dir, false); !errors.Is(err, ErrNotEmpty) {
			t.Fatalf("Write = %v; want ErrNotEmpty", err)
		}
		if diff := cmp.Diff(map[string]string{"README": "mine"}, readTree(t, dir)); diff != "" {
			t.Errorf("directory changed (-want +got):\n%s", diff)
		}
		if err := Write(loaded(t), dir, true); err != nil {
			t.Fatalf("Write with force: %v", err)
		}
		if files := readTree(t, dir); files["README"] != "mine" || files["strategies/slow.yaml"] == "" {
			t.Errorf("files after a forced write %v; want README kept and the tree written", files)
		}
	})
}
