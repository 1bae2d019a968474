package conformance

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// runDaemon runs the appconfigd command line args and returns its exit
// code and output.
func runDaemon(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut apptest.Buffer
	code = daemon.Run(ctx(t), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// heldToken starts a session of the export fixture's shop/prod/settings
// on ts, polls it once and returns the next token, as a client holding
// the latest version has it.
func heldToken(t *testing.T, ts *testServer) string {
	t.Helper()
	session, err := ts.data.StartConfigurationSession(ctx(t), &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String("shop"),
		EnvironmentIdentifier:          aws.String("prod"),
		ConfigurationProfileIdentifier: aws.String("settings"),
	})
	if err != nil {
		t.Fatalf("StartConfigurationSession: %v", err)
	}
	return aws.ToString(poll(t, ts.data, aws.ToString(session.InitialConfigurationToken)).NextPollConfigurationToken)
}

// TestBackupRestore backs up a SQLite server while it serves, restores
// the backup into a new data directory and serves it: every resource is
// there (the export of the restored server is the original's) and a
// configuration token the original handed out works on the restored
// server, whose sealing keys came back with the database.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	a := startServer(t)
	newExportFixture(t, a)
	next := heldToken(t, a)
	want := exportOf(t, a)

	backup := filepath.Join(t.TempDir(), "appconfigd.backup")
	if code, stdout, stderr := runDaemon(t, "backup", "--data", a.daemon.Config.DataDir, "--to", backup); code != 0 {
		t.Fatalf("appconfigd backup while the server runs: exit code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	code, stdout, stderr := runDaemon(t, "restore", "--from", backup, "--data", restored)
	if code != 0 {
		t.Fatalf("appconfigd restore: exit code %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "Restored "+backup+" into "+restored) {
		t.Errorf("restore printed %q; want it to say what it restored where", stdout)
	}

	b := startServer(t, withDataDir(restored))
	if diff := cmp.Diff(want, exportOf(t, b)); diff != "" {
		t.Errorf("export of the restored server (-original +restored):\n%s", diff)
	}
	b.clock.Advance(time.Minute) // past the poll interval of the token
	got := poll(t, b.data, next)
	if len(got.Configuration) != 0 {
		t.Errorf("the restored server sent %q to a client that holds the latest version; want an empty body", got.Configuration)
	}

	t.Run("RefusesADataDirectoryInUse", func(t *testing.T) {
		code, _, stderr := runDaemon(t, "restore", "--from", backup, "--data", restored, "--force")
		if code != 1 || !strings.Contains(stderr, "in use by another appconfigd process") {
			t.Errorf("restore into a served directory: exit %d, stderr %q; want 1 and a message that it is in use", code, stderr)
		}
	})
}

// TestBackupWhileWriting backs up a server that is creating applications
// as fast as it can: the backup is one consistent moment, so the restored
// server holds every application made before the backup began, none made
// after it ended, and no half-written one.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	a := startServer(t, withLimits(func(l *appconfigd.Limits) { l.Applications = 100000 }))
	var made atomic.Int64
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := a.control.CreateApplication(context.Background(), &appconfig.CreateApplicationInput{Name: aws.String(fmt.Sprintf("app-%05d", i))}); err != nil {
				done <- err
				return
			}
			made.Add(1)
		}
	}()
	for made.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	before := made.Load()
	backup := filepath.Join(t.TempDir(), "appconfigd.backup")
	code, _, stderr := runDaemon(t, "backup", "--data", a.daemon.Config.DataDir, "--to", backup)
	after := made.Load()
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("CreateApplication during the backup: %v", err)
	}
	if code != 0 {
		t.Fatalf("appconfigd backup: exit code %d: %s", code, stderr)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if code, _, stderr := runDaemon(t, "restore", "--from", backup, "--data", restored); code != 0 {
		t.Fatalf("appconfigd restore: exit code %d: %s", code, stderr)
	}
	b := startServer(t, withDataDir(restored), withLimits(func(l *appconfigd.Limits) { l.Applications = 100000 }))
	var names []string
	for p := appconfig.NewListApplicationsPaginator(b.control, &appconfig.ListApplicationsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, app := range page.Items {
			names = append(names, aws.ToString(app.Name))
		}
	}
	n := int64(len(names))
	if n < before || n > after+1 {
		t.Fatalf("the backup holds %d applications; want between %d (made before it began) and %d (made by its end)", n, before, after+1)
	}
	// The applications were made one after another: a consistent copy
	// holds a prefix of them.
	slices.Sort(names)
	for i, name := range names {
		if want := fmt.Sprintf("app-%05d", i); name != want {
			t.Fatalf("application %d of the backup is %s; want %s (a gap: not one moment)", i, name, want)
		}
	}
	t.Logf("backed up %d applications while %d to %d were made", n, before, after)
}
