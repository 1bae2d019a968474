package daemon

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// replayGuardFile is the file in the data directory that carries the
// replay guard, which next tokens were used, across restarts.
const replayGuardFile = "replay-guard"

// replayFile keeps the service's replay guard in the data directory.
type replayFile struct {
	// path is the file; "" when the guard is not kept (PostgreSQL, or
	// after the final save).
	path string
	// saves runs the periodic saves.
	saves periodic
}

// loadReplayGuard loads the replay guard the previous run saved and starts
// saving it every ReplaySaveInterval. Only with SQLite: the data
// directory then belongs to this one process, while PostgreSQL replicas
// would each need their own (docs/COMPATIBILITY.md, "The data plane"). A
// missing file is a first start; an unreadable or damaged one is only
// logged, since the server can serve without it.
func (d *Daemon) loadReplayGuard() {
	if d.Config.DatabaseURL != "" {
		return
	}
	path := filepath.Join(d.Config.DataDir, replayGuardFile)
	d.replay.path = path
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		d.Logger.Warn("cannot read the replay guard; next tokens used before the restart may work once more", "file", path, "err", err)
	default:
		n, err := d.service.LoadReplayGuard(f)
		f.Close()
		if err != nil {
			d.Logger.Warn("replay guard file damaged; next tokens used before the restart may work once more", "file", path, "loaded", n, "err", err)
		} else {
			d.Logger.Info("loaded the replay guard", "chains", n)
		}
	}
	if d.Config.ReplaySaveInterval <= 0 {
		return
	}
	d.replay.saves.start(d.Config.ReplaySaveInterval, func(context.Context) {
		if err := d.saveReplayGuard(); err != nil {
			d.Logger.Error("save the replay guard", "err", err)
		}
	})
}

// closeReplayGuard stops the periodic saves and saves the guard a last
// time. Call it once no request is in flight.
func (d *Daemon) closeReplayGuard() error {
	d.replay.saves.stopTask()
	if d.replay.path == "" {
		return nil
	}
	err := d.saveReplayGuard()
	d.replay.path = ""
	return err
}

// saveReplayGuard writes the guard to a temporary file and renames it
// over the last one, so that a crash mid-write leaves the previous file
// whole.
func (d *Daemon) saveReplayGuard() (err error) {
	tmp := d.replay.path + ".tmp"
	defer func() {
		if err != nil {
			os.Remove(tmp)
			err = fmt.Errorf("save the replay guard: %w", err)
		}
	}()
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	n, err := d.service.SaveReplayGuard(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, d.replay.path); err != nil {
		return err
	}
	// The rename lasts through a power cut only once the directory is
	// synced.
	dir, err := os.Open(filepath.Dir(d.replay.path))
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := dir.Sync(); err != nil {
		return err
	}
	d.Logger.Debug("saved the replay guard", "chains", n, "file", d.replay.path)
	return nil
}
