package postgres

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/jackc/pgx/v5/pgconn"
)

// cutProxy forwards TCP connections on loopback to a PostgreSQL server
// until cut, which drops every connection and refuses new ones, as a
// network failure or a server that went away would; restore lets
// connections through again.
type cutProxy struct {
	target   string
	listener net.Listener

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]bool
}

// newCutProxy starts a proxy to target, stopped when the test ends.
func newCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{target: target, listener: l, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		l.Close()
		p.setCut(true)
	})
	return p
}

func (p *cutProxy) serve() {
	for {
		client, err := p.listener.Accept()
		if err != nil {
			return
		}
		if !p.track(client) {
			client.Close()
			continue
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil || !p.track(server) {
			client.Close()
			continue
		}
		go pipe(client, server)
		go pipe(server, client)
	}
}

// track remembers c for cut, unless the proxy is cut.
func (p *cutProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// setCut cuts (true) or restores (false) the proxy.
func (p *cutProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
		clear(p.conns)
	}
}

// A store whose server cannot be reached answers with an EUnavailable
// error that says so, for writes and reads alike, and works again without
// reopening once the server is back.
func TestAnUnreachableServerIsReportedAsUnavailable(t *testing.T) {
	_, dsn := newSchema(t)
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newCutProxy(t, net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))))
	host, port, _ := net.SplitHostPort(proxy.listener.Addr().String())
	db := mustOpen(t, withParams(t, dsn, map[string]string{"host": host, "port": port}))
	ctx := t.Context()
	write := func() error {
		return db.Update(ctx, func(tx appconfigd.Tx) error {
			_, err := tx.TryLease(ctx, "probe", "me", time.Unix(0, 0), time.Unix(1, 0))
			return err
		})
	}
	read := func() error {
		return db.View(ctx, func(tx appconfigd.Tx) error {
			_, err := tx.CountApplications(ctx)
			return err
		})
	}
	if err := write(); err != nil {
		t.Fatalf("write through the proxy: %v", err)
	}

	proxy.setCut(true)
	for _, tc := range []struct {
		name, message string
		run           func() error
	}{
		{"write", "appconfigd cannot write to its database: the database server cannot be reached", write},
		{"read", "appconfigd cannot read its database: the database server cannot be reached", read},
		{"write again", "appconfigd cannot write to its database: the database server cannot be reached", write},
	} {
		err := tc.run()
		var e *appconfigd.Error
		if !errors.As(err, &e) || e.Code != appconfigd.EUnavailable || e.Message != tc.message || e.Cause == nil {
			t.Errorf("%s with the server cut off: %v, want %s %q with its cause", tc.name, err, appconfigd.EUnavailable, tc.message)
		}
	}

	proxy.setCut(false)
	if err := write(); err != nil {
		t.Errorf("write once the server is back: %v", err)
	}
	if err := read(); err != nil {
		t.Errorf("read once the server is back: %v", err)
	}
}

// Errors the server sends are read by SQLSTATE.
func TestProblemsBySQLState(t *testing.T) {
	for code, want := range map[string]string{
		"53100": "the disk is full",
		"53300": "out of resources",
		"08006": "cannot be reached",
		"57P01": "shutting down",
		"25006": "read-only",
		"23505": "",
		"42P01": "",
	} {
		got := problem(&pgconn.PgError{Code: code})
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("problem(SQLSTATE %s) = %q, want %q", code, got, want)
		}
	}
}
