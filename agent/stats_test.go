package agent

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// TestPollFailureCount: every failed poll is counted, retries included,
// by why it failed (TestFirstFetchFails checks each reason).
func TestPollFailureCount(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		checkBody(t, a.get(t, testPath), v1.content)
		svc.setDown(errors.New("connection refused"))
		// Polls at 45 s, then retries after 1, 2 and 4 s.
		time.Sleep(DefaultPollInterval + 7*time.Second + time.Millisecond)
		synctest.Wait()
		if got := a.PollFailureCount(PollError); got != 4 {
			t.Errorf("poll failures error = %d; want 4", got)
		}
	})
}

// TestCacheAges: a configuration's age is the time since the service
// last answered for it; it grows while the service is down, and names
// the service does not know never get one.
func TestCacheAges(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		a, svc := startDeployed(t, DefaultConfig(), v1)
		if got := a.CacheAges(); len(got) != 0 {
			t.Errorf("CacheAges before any request = %v; want none", got)
		}
		checkBody(t, a.get(t, testPath), v1.content)
		checkStatus(t, a.get(t, "/applications/made/environments/up/configurations/name"), http.StatusNotFound)
		time.Sleep(10 * time.Second)
		want := []CacheAge{{Key: testKey, Age: 10 * time.Second}}
		if got := a.CacheAges(); !slices.Equal(got, want) {
			t.Errorf("CacheAges = %v; want %v", got, want)
		}
		// Unchanged answers refresh the cache too.
		time.Sleep(DefaultPollInterval - 10*time.Second)
		synctest.Wait()
		want[0].Age = 0
		if got := a.CacheAges(); !slices.Equal(got, want) {
			t.Errorf("CacheAges after an unchanged poll = %v; want %v", got, want)
		}
		svc.setDown(errors.New("connection refused"))
		time.Sleep(2 * DefaultPollInterval)
		want[0].Age = 2 * DefaultPollInterval
		if got := a.CacheAges(); !slices.Equal(got, want) {
			t.Errorf("CacheAges with the service down = %v; want %v", got, want)
		}
	})
}

// TestBackupsServed: answers served from a backup are counted until the
// service answers, and no longer once it has.
func TestBackupsServed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := (&backupStore{dir: dir}).save(testKey, newSnapshot([]byte(v1.content), v1.contentType, v1.label, v1.version)); err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		svc := deployedService(v1)
		svc.setDown(errors.New("connection refused"))
		cfg := DefaultConfig()
		cfg.BackupDirectory = dir
		a := startAgent(t, cfg, svc)
		checkBody(t, a.get(t, testPath), v1.content)
		checkBody(t, a.get(t, testPath), v1.content)
		if got := a.BackupsServed(); got != 2 {
			t.Errorf("BackupsServed with the service down = %d; want 2", got)
		}
		if got := a.CacheAges(); len(got) != 0 {
			t.Errorf("CacheAges before the service answered = %v; want none", got)
		}
		svc.setDown(nil)
		// The service answers the same version as the backup's.
		time.Sleep(firstRetry)
		synctest.Wait()
		checkBody(t, a.get(t, testPath), v1.content)
		if got := a.BackupsServed(); got != 2 {
			t.Errorf("BackupsServed after the service answered = %d; want 2", got)
		}
	})
}
