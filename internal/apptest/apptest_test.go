package apptest_test

import (
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

func TestClock(t *testing.T) {
	t.Parallel()
	c := apptest.NewClock(time.Time{})
	if got := c.Now(); !got.Equal(apptest.Start) {
		t.Fatalf("NewClock(zero).Now() = %v, want Start %v", got, apptest.Start)
	}
	c.Advance(90 * time.Second)
	if got, want := c.Now(), apptest.Start.Add(90*time.Second); !got.Equal(want) {
		t.Errorf("after Advance(90s) Now() = %v, want %v", got, want)
	}
	at := time.Unix(0, 0)
	c.Set(at)
	if got := c.Now(); !got.Equal(at) {
		t.Errorf("after Set(%v) Now() = %v", at, got)
	}
}

func TestBuffer(t *testing.T) {
	t.Parallel()
	var b apptest.Buffer
	// A writer goroutine and a reader at once: the race detector checks
	// the locking.
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Write([]byte("one "))
	}()
	_ = b.String()
	<-done
	b.Write([]byte("two"))
	if got := b.String(); got != "one two" {
		t.Errorf("String() = %q, want %q", got, "one two")
	}
	if got := b.Take(); got != "one two" {
		t.Errorf("Take() = %q, want %q", got, "one two")
	}
	b.Write([]byte("three"))
	if got := b.Take(); got != "three" {
		t.Errorf("Take() after Take = %q, want only what came since: %q", got, "three")
	}
}
