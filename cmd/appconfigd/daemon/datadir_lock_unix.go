//go:build unix

package daemon

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes an exclusive lock on the data directory for as long as
// the returned file stays open, so that one process at a time serves a
// SQLite database. That makes the process that holds it the only possible
// holder of the deployment engine's lease, which is why a restarted
// process may take the lease back at once (docs/ARCHITECTURE.md,
// "Deployments"). The operating system drops the lock when the process
// dies, however it dies.
func lockDataDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "appconfigd.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another appconfigd process", dir)
		}
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	return f, nil
}
