//go:build unix

package daemon

import (
	"context"
	"strings"
	"testing"
)

// TestDataDirServedByOneProcess opens a second server on a data directory
// in use: it is refused with a message naming the directory, and a server
// opens there again once the first has closed.
func TestDataDirServedByOneProcess(t *testing.T) {
	t.Parallel()
	first := openDaemon(t, func(*Config) {})
	again := func() (*Daemon, error) {
		cfg := first.Config
		d := New(cfg)
		return d, d.Open(context.Background())
	}
	d, err := again()
	if err == nil {
		d.Close()
		t.Fatal("a second server opened the data directory the first serves")
	}
	if want := "data directory " + first.Config.DataDir + " is in use"; !strings.Contains(err.Error(), want) {
		t.Errorf("second Open: %v; want it to say %q", err, want)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	d, err = again()
	if err != nil {
		t.Fatalf("Open after the first server closed: %v", err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
}
