package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"time"
)

// fleetConn is one keep-alive connection of the fleet, used by one sender
// at a time. It speaks HTTP/1.1 itself (http.Request.Write and
// http.ReadResponse) instead of going through http.Transport, so that the
// fleet holds exactly as many connections as asked, each one kept open and
// used in turn, as a fleet's clients keep theirs, and so that the client's
// own CPU per request stays small next to the server's.
type fleetConn struct {
	addr    string
	tls     *tls.Config
	timeout time.Duration
	// open counts the fleet's open connections, shared by all of them.
	open *atomic.Int64

	c    net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	used int
}

// dial opens the connection, with the TLS handshake when c.tls is set.
func (c *fleetConn) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: c.timeout}
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return err
	}
	if c.tls != nil {
		// This connection speaks HTTP/1.1 itself. The config is
		// shared with the http.Transport that starts sessions, which
		// adds "h2" to its NextProtos; a server offered h2 would answer
		// in HTTP/2 frames.
		cfg := c.tls.Clone()
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(conn, cfg)
		hctx, cancel := context.WithTimeout(ctx, c.timeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return fmt.Errorf("TLS handshake: %w", err)
		}
		conn = tc
	}
	c.c, c.used = conn, 0
	c.br = bufio.NewReaderSize(conn, 4096)
	c.bw = bufio.NewWriterSize(conn, 4096)
	c.open.Add(1)
	return nil
}

// close closes the connection, if open.
func (c *fleetConn) close() {
	if c.c != nil {
		c.c.Close()
		c.c = nil
		c.open.Add(-1)
	}
}

// exchange is one request's response: status, headers and the body's
// length; and the start of the body unless the status is 200 (a poll's
// configuration is only counted), for a session's token or an error's type.
type exchange struct {
	status int
	header http.Header
	length int64
	body   []byte
}

// do sends req and reads the whole response. A request that fails on a
// connection that already served one before any response arrived is sent
// once more on a new connection: the server may have closed the idle
// connection meanwhile, as net/http's Transport assumes too.
func (c *fleetConn) do(ctx context.Context, req *http.Request) (exchange, error) {
	ex, retry, err := c.try(ctx, req)
	if err != nil && retry {
		ex, _, err = c.try(ctx, req)
	}
	return ex, err
}

// try sends req once, dialling first if needed. retry reports a failure on
// a reused connection before any byte of the response.
func (c *fleetConn) try(ctx context.Context, req *http.Request) (ex exchange, retry bool, err error) {
	if c.c == nil {
		if err := c.dial(ctx); err != nil {
			return ex, false, err
		}
	}
	reused := c.used > 0
	c.used++
	_ = c.c.SetDeadline(time.Now().Add(c.timeout))
	if req.GetBody != nil {
		if req.Body, err = req.GetBody(); err != nil {
			return ex, false, err
		}
	}
	if err := req.Write(c.bw); err != nil {
		c.close()
		return ex, reused, err
	}
	if err := c.bw.Flush(); err != nil {
		c.close()
		return ex, reused, err
	}
	if _, err := c.br.Peek(1); err != nil {
		c.close()
		return ex, reused && !isTimeout(err), err
	}
	resp, err := http.ReadResponse(c.br, req)
	if err != nil {
		c.close()
		return ex, false, err
	}
	ex.status, ex.header = resp.StatusCode, resp.Header
	if ex.status == http.StatusOK {
		ex.length, err = io.Copy(io.Discard, resp.Body)
	} else {
		ex.body, err = io.ReadAll(io.LimitReader(resp.Body, 16<<10))
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
		}
	}
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	if err != nil {
		return ex, false, fmt.Errorf("read body: %w", err)
	}
	return ex, false, nil
}

// isTimeout reports whether err is a deadline passing.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isReset reports whether err is the peer resetting or closing the
// connection.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
