package agent

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"sync"
)

// Agent is a running agent: a cache of configurations, one poller per
// configuration, and the HTTP handler that serves them.
type Agent struct {
	cfg     Config
	client  DataClient
	logger  *slog.Logger
	clock   Clock
	backups *backupStore // nil without BACKUP_DIRECTORY
	local   *localFiles  // nil unless in local development mode
	stats   stats

	// ctx ends when Run returns; pollers run under it.
	ctx    context.Context
	cancel context.CancelFunc
	// started is closed once Run has loaded backups and local files, or
	// has returned; requests wait for it.
	started     chan struct{}
	startedOnce sync.Once

	mu      sync.Mutex
	entries map[Key]*entry
	stopped bool // set before Run waits for the pollers
	pollers sync.WaitGroup
}

// New returns an agent for cfg that reaches the service through client
// (nil in local development mode, which never calls it). It does nothing
// until Run. Zero durations in cfg take their defaults, so that a Config
// built by hand cannot make the pollers spin.
func New(cfg Config, client DataClient, logger *slog.Logger, clock Clock) *Agent {
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = DefaultPollInterval
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	ctx, cancel := context.WithCancel(context.Background())
	a := &Agent{
		cfg:     cfg,
		client:  client,
		logger:  logger,
		clock:   clock,
		ctx:     ctx,
		cancel:  cancel,
		started: make(chan struct{}),
		entries: make(map[Key]*entry),
	}
	if cfg.BackupDirectory != "" {
		a.backups = &backupStore{dir: cfg.BackupDirectory}
	}
	if cfg.LocalDevelopmentDirectory != "" {
		a.local = &localFiles{dir: cfg.LocalDevelopmentDirectory}
	}
	return a
}

// Run loads backups (PRELOAD_BACKUPS) or local development files, fetches
// the PREFETCH_LIST configurations, and keeps everything fresh until ctx
// ends. It returns once every poller has stopped.
func (a *Agent) Run(ctx context.Context) error {
	defer a.pollers.Wait()
	defer func() {
		a.mu.Lock()
		a.stopped = true
		a.mu.Unlock()
		a.cancel()
		a.markStarted()
	}()
	stop := context.AfterFunc(ctx, a.cancel)
	defer stop()

	if a.local != nil {
		return a.runLocal()
	}
	if a.backups != nil && a.cfg.PreloadBackups {
		a.preloadBackups()
	}
	for _, k := range a.cfg.Prefetch {
		a.entryFor(k)
	}
	a.markStarted()
	<-a.ctx.Done()
	return nil
}

func (a *Agent) markStarted() { a.startedOnce.Do(func() { close(a.started) }) }

// runLocal reads the local development directory now and then every poll
// interval. A directory that cannot be read at start is an error.
func (a *Agent) runLocal() error {
	if err := a.local.refresh(); err != nil {
		return err
	}
	a.markStarted()
	for {
		select {
		case <-a.ctx.Done():
			return nil
		case <-a.clock.After(a.cfg.PollInterval):
			if err := a.local.refresh(); err != nil {
				a.logger.Warn("read local development directory", "dir", a.local.dir, "err", err)
			}
		}
	}
}

// preloadBackups serves every backup until the service answers, and polls
// for each.
func (a *Agent) preloadBackups() {
	backups, errs := a.backups.loadAll()
	for _, err := range errs {
		a.logger.Warn("skip backup", "err", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, s := range backups {
		a.logger.Info("loaded backup", "configuration", k.String(), "version", s.version())
		a.startPoller(newEntryFrom(k, s))
	}
}

// entryFor returns k's entry, starting its poller when there is none; nil
// once the agent has stopped.
func (a *Agent) entryFor(k Key) *entry {
	a.mu.Lock()
	defer a.mu.Unlock()
	if e, ok := a.entries[k]; ok {
		return e
	}
	if a.stopped {
		return nil
	}
	e := newEntry(k)
	a.startPoller(e)
	return e
}

// startPoller registers e and polls for it. a.mu must be held.
func (a *Agent) startPoller(e *entry) {
	a.entries[e.key] = e
	a.pollers.Add(1)
	go func() {
		defer a.pollers.Done()
		(&poller{agent: a, entry: e}).run(a.ctx)
	}()
}

// forget drops e, so that the next request for its key starts over.
func (a *Agent) forget(e *entry) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.entries[e.key] == e {
		delete(a.entries, e.key)
	}
}

// restoreBackup serves e's backup, when there is one, while the service
// cannot be reached (PRELOAD_BACKUPS=false reads backups only then).
func (a *Agent) restoreBackup(e *entry) {
	if a.backups == nil {
		return
	}
	s, err := a.backups.load(e.key)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		a.logger.Warn("read backup", "configuration", e.key.String(), "err", err)
	default:
		a.logger.Info("serving backup", "configuration", e.key.String(), "version", s.version())
		e.restore(s)
	}
}

// saveBackup writes s as k's backup, when backups are on.
func (a *Agent) saveBackup(k Key, s *snapshot) {
	if a.backups == nil {
		return
	}
	if err := a.backups.save(k, s); err != nil {
		a.logger.Warn("write backup", "configuration", k.String(), "err", err)
	}
}

// lookup returns the configuration to serve for k to entity, fetching it
// first if the agent has not yet.
func (a *Agent) lookup(ctx context.Context, k Key, entity string) (*snapshot, error) {
	if a.local != nil {
		if s := a.local.lookup(k); s != nil {
			return s, nil
		}
		return nil, errorf(http.StatusNotFound, "no file for "+k.String()+" in the local development directory")
	}
	e := a.entryFor(k)
	if e == nil {
		return nil, errorf(http.StatusServiceUnavailable, "the agent is shutting down")
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s, fromBackup, err := e.pick(entity)
	if err != nil {
		return nil, upstreamError(err)
	}
	if fromBackup {
		a.stats.backupsServed.Add(1)
	}
	return s, nil
}
