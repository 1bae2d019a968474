package daemon

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// pipeListener is an in-memory listener: each Dial hands Accept one end of
// a net.Pipe.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error   { close(l.closed); return nil }
func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{} }

// dial offers a connection to Accept without waiting for it to be taken.
func (l *pipeListener) dial() net.Conn {
	server, client := net.Pipe()
	go func() {
		select {
		case l.conns <- server:
		case <-l.closed:
		}
	}()
	return client
}

// TestLimitConnections accepts at most n connections at once: the next
// waits until one closes, and closing the listener ends a waiting Accept.
func TestLimitConnections(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		inner := newPipeListener()
		l := limitConnections(inner, 2)
		var accepted atomic.Int32
		conns := make(chan net.Conn, 3)
		acceptDone := make(chan error, 1)
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					acceptDone <- err
					return
				}
				accepted.Add(1)
				conns <- c
			}
		}()
		for range 3 {
			inner.dial()
		}
		synctest.Wait()
		if got := accepted.Load(); got != 2 {
			t.Fatalf("accepted %d connections with a cap of 2, want 2", got)
		}
		first := <-conns
		first.Close()
		first.Close() // closing twice frees one slot, not two
		synctest.Wait()
		if got := accepted.Load(); got != 3 {
			t.Fatalf("accepted %d connections after one closed, want 3", got)
		}
		inner.dial()
		synctest.Wait()
		if got := accepted.Load(); got != 3 {
			t.Errorf("accepted %d connections: closing one twice freed two slots", got)
		}
		l.Close()
		synctest.Wait()
		if err := <-acceptDone; !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
		}
	})
}

// TestMaxConnections: with MaxConnections 1, a second client is answered
// only once the first connection closes.
func TestMaxConnections(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.MaxConnections = 1 })
	get := "GET /healthz HTTP/1.1\r\nHost: " + d.Addr() + "\r\n\r\n"

	first, err := net.Dial("tcp", d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if _, err := io.WriteString(first, get); err != nil {
		t.Fatal(err)
	}
	if resp := answer(t, first, 5*time.Second); resp.StatusCode != http.StatusOK {
		t.Fatalf("first connection: status %d", resp.StatusCode)
	}

	second, err := net.Dial("tcp", d.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if _, err := io.WriteString(second, get); err != nil {
		t.Fatal(err)
	}
	// Not answered while the first connection is open (a short look:
	// an answer would come in microseconds).
	_ = second.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, err := second.Read(make([]byte, 1)); n > 0 || !errors.Is(err, errTimeout(err)) {
		t.Fatalf("second connection answered (%d bytes, %v) while the first was open", n, err)
	}
	first.Close()
	_ = second.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(second), nil)
	if err != nil {
		t.Fatalf("second connection after the first closed: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("second connection: status %d", resp.StatusCode)
	}
}

// errTimeout returns err when it is a timeout, and a sentinel otherwise,
// for errors.Is.
func errTimeout(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return err
	}
	return errors.New("not a timeout")
}
