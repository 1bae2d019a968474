package conformance

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// TestLitestreamReplicaRestores replicates a serving SQLite data directory
// with Litestream (docs/OPERATIONS.md, "Continuous replication with
// Litestream"), restores the replica into a new data directory and serves
// it: every resource is there, including one made after replication
// started, and a configuration token of the original works.
func TestLitestreamReplicaRestores(t *testing.T) {
	t.Parallel()
	litestream := apptest.NeedCommand(t, "litestream", "go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18 (.ci/deps does)")
	a := startServer(t)
	newExportFixture(t, a)
	next := heldToken(t, a)

	work := t.TempDir()
	replica := filepath.Join(work, "replica")
	config := filepath.Join(work, "litestream.yml")
	db := filepath.Join(a.daemon.Config.DataDir, "appconfigd.db")
	if err := os.WriteFile(config, []byte("dbs:\n  - path: "+db+"\n    replica:\n      type: file\n      path: "+replica+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	replicate := exec.Command(litestream, "replicate", "-config", config)
	var logs apptest.Buffer
	replicate.Stdout, replicate.Stderr = &logs, &logs
	if err := replicate.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = replicate.Process.Signal(syscall.SIGTERM)
		_ = replicate.Wait()
	})

	if _, err := a.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String("made-while-replicating")}); err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	want := exportOf(t, a)

	// Litestream ships the write-ahead log every second: restore until the
	// replica has the last change, or give up after a minute.
	restored := filepath.Join(work, "restored")
	if err := os.Mkdir(restored, 0o700); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(restored, "appconfigd.db")
	deadline := time.Now().Add(time.Minute)
	for {
		_ = os.Remove(target)
		out, err := exec.Command(litestream, "restore", "-o", target, "file://"+replica).CombinedOutput()
		if err == nil && hasApplication(t, target, "made-while-replicating") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the replica has not caught up in a minute: restore: %v %s\nlitestream replicate:\n%s", err, out, logs.String())
		}
		time.Sleep(500 * time.Millisecond)
	}

	b := startServer(t, withDataDir(restored))
	if diff := cmp.Diff(want, exportOf(t, b)); diff != "" {
		t.Errorf("export of the server on the restored replica (-original +restored):\n%s", diff)
	}
	b.clock.Advance(time.Minute) // past the token's poll interval
	if got := poll(t, b.data, next); len(got.Configuration) != 0 {
		t.Errorf("the restored server sent %q to a client that holds the latest version; want an empty body", got.Configuration)
	}
}

// hasApplication reports whether the SQLite database at path holds an
// application named name.
func hasApplication(t *testing.T, path, name string) bool {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM applications WHERE name = ?`, name).Scan(&n); err != nil {
		return false
	}
	return n > 0
}
