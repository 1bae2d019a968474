package appconfigd_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// outageStore is a store whose writes fail with EUnavailable while down is
// set, and which reports no room to grow while full is set, as a database
// on a full disk that still takes small writes does.
type outageStore struct {
	appconfigd.Store
	down, full atomic.Bool
}

func (s *outageStore) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	if s.down.Load() {
		return diskFull()
	}
	return s.Store.Update(ctx, fn)
}

func (s *outageStore) CheckSpace(context.Context) error {
	if s.full.Load() {
		return diskFull()
	}
	return nil
}

func diskFull() error {
	return &appconfigd.Error{Code: appconfigd.EUnavailable, Message: "appconfigd cannot write to its database: the disk is full"}
}

// newOutageService opens a service on an outageStore, logging into the
// returned buffer.
func newOutageService(t *testing.T) (*appconfigd.Service, *outageStore, *apptest.Clock, *bytes.Buffer) {
	t.Helper()
	store := &outageStore{Store: newSQLiteStore(t)}
	svc, clock := newServiceOn(t, store)
	logs := &bytes.Buffer{}
	svc.Logger = slog.New(slog.NewTextHandler(logs, nil))
	return svc, store, clock, logs
}

func TestWriteHealth(t *testing.T) {
	t.Parallel()

	t.Run("AFailedWriteMarksWritesFailingUntilAProbeSucceeds", func(t *testing.T) {
		t.Parallel()
		svc, store, clock, logs := newOutageService(t)
		ctx := t.Context()
		if got := svc.WriteState(); got.Failing {
			t.Fatalf("WriteState before any failure = %+v, want not failing", got)
		}
		store.down.Store(true)
		_, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "web"}, nil)
		if !appconfigd.IsCode(err, appconfigd.EUnavailable) {
			t.Fatalf("CreateApplication on a full disk: %v, want %s", err, appconfigd.EUnavailable)
		}
		_, _ = svc.CreateApplication(ctx, &appconfigd.Application{Name: "web"}, nil)
		got := svc.WriteState()
		if !got.Failing || !strings.Contains(got.Reason, "the disk is full") || !got.Since.Equal(clock.Now()) {
			t.Errorf("WriteState = %+v, want failing since now because the disk is full", got)
		}
		if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
			t.Errorf("log has %d errors for two failed writes, want 1:\n%s", n, logs)
		}

		store.down.Store(false)
		if got := svc.CheckWrites(ctx); !got.Failing {
			t.Errorf("CheckWrites at once = %+v, want still failing: probes wait a second", got)
		}
		clock.Advance(time.Second)
		if got := svc.CheckWrites(ctx); got.Failing {
			t.Errorf("CheckWrites a second later, writes working = %+v, want recovered", got)
		}
		if _, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "web"}, nil); err != nil {
			t.Errorf("CreateApplication after recovery: %v", err)
		}
	})

	t.Run("ASmallWriteThatSucceedsOnAFullDiskIsNoRecovery", func(t *testing.T) {
		t.Parallel()
		svc, store, clock, _ := newOutageService(t)
		ctx := t.Context()
		store.down.Store(true)
		store.full.Store(true)
		_, _ = svc.CreateApplication(ctx, &appconfigd.Application{Name: "web"}, nil)
		store.down.Store(false) // small writes work again, the disk is still full
		clock.Advance(time.Second)
		if _, err := svc.TryEngineLease(ctx, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := svc.WriteState(); !got.Failing {
			t.Errorf("WriteState after a lease renewal on a full disk = %+v, want still failing", got)
		}
		store.full.Store(false)
		clock.Advance(time.Second)
		// A successful write probes by itself: nobody needs to call
		// CheckWrites.
		if _, err := svc.TryEngineLease(ctx, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if got := svc.WriteState(); got.Failing {
			t.Errorf("WriteState after a lease renewal once space returned = %+v, want recovered", got)
		}
	})

	t.Run("PollsGoOnWhileWritesFail", func(t *testing.T) {
		t.Parallel()
		svc, store, _, _ := newOutageService(t)
		ctx := t.Context()
		in := sessionFixture(t, svc)
		token, err := svc.StartConfigurationSession(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		store.down.Store(true)
		if _, err := svc.CreateApplication(ctx, &appconfigd.Application{Name: "other"}, nil); !appconfigd.IsCode(err, appconfigd.EUnavailable) {
			t.Fatalf("CreateApplication: %v, want %s", err, appconfigd.EUnavailable)
		}
		if _, err := svc.GetLatestConfiguration(ctx, token, appconfigd.PollOptions{}); err != nil {
			t.Errorf("poll while writes fail: %v", err)
		}
	})
}

func TestAuditWhileWritesFail(t *testing.T) {
	t.Parallel()

	record := func(t *testing.T, svc *appconfigd.Service, id string) error {
		t.Helper()
		return svc.RecordAudit(t.Context(), &appconfigd.AuditEntry{RequestID: id, Operation: "CreateApplication", Status: 503})
	}

	t.Run("EntriesAreWrittenInOrderWithTheirTimesOnceWritesWork", func(t *testing.T) {
		t.Parallel()
		svc, store, clock, _ := newOutageService(t)
		start := clock.Now()
		store.down.Store(true)
		for _, id := range []string{"1", "2", "3"} {
			if err := record(t, svc, id); err != nil {
				t.Fatalf("RecordAudit %s while writes fail: %v, want the entry kept", id, err)
			}
			clock.Advance(time.Second)
		}
		store.down.Store(false)
		if got := svc.CheckWrites(t.Context()); got.Failing {
			t.Fatalf("CheckWrites = %+v, want recovered", got)
		}
		got := listAudit(t, svc, appconfigd.AuditFilter{})
		var ids []string
		for i, e := range got {
			ids = append(ids, e.RequestID)
			if want := start.Add(time.Duration(2-i) * time.Second); !e.Time.Equal(want) {
				t.Errorf("entry %s at %v, want its own time %v", e.RequestID, e.Time, want)
			}
		}
		if strings.Join(ids, " ") != "3 2 1" {
			t.Errorf("audit trail, newest first = %v, want 3 2 1", ids)
		}
	})

	t.Run("OverflowIsRecordedAsOneEntryThatCountsTheLoss", func(t *testing.T) {
		t.Parallel()
		svc, store, clock, logs := newOutageService(t)
		store.down.Store(true)
		const kept, lost = 10_000, 3
		var firstLost time.Time
		for i := range kept + lost {
			err := record(t, svc, fmt.Sprint(i))
			if i < kept && err != nil {
				t.Fatalf("RecordAudit %d: %v, want the entry kept", i, err)
			}
			if i >= kept && err == nil {
				t.Fatalf("RecordAudit %d with %d entries kept: no error, want the loss reported", i, kept)
			}
			if i == kept {
				firstLost = clock.Now()
			}
			clock.Advance(time.Millisecond)
		}
		if n := strings.Count(logs.String(), "level=ERROR"); n != 3 {
			t.Errorf("log has %d errors, want 3 (writes fail, entries kept, entries lost):\n%.2000s", n, logs)
		}
		store.down.Store(false)
		if err := record(t, svc, "after"); err != nil {
			t.Fatal(err)
		}
		got := listAudit(t, svc, appconfigd.AuditFilter{})
		if len(got) != kept+2 {
			t.Fatalf("audit trail has %d entries, want %d kept, the loss and the new one", len(got), kept+2)
		}
		note := got[1]
		if note.Operation != appconfigd.AuditEntriesLostOperation || !note.Time.Equal(firstLost) ||
			!strings.HasPrefix(note.Message, fmt.Sprintf("%d audit entries from ", lost)) {
			t.Errorf("entry before the new one = %+v, want %s at %v counting %d", *note, appconfigd.AuditEntriesLostOperation, firstLost, lost)
		}
		if got[0].RequestID != "after" || got[2].RequestID != fmt.Sprint(kept-1) || got[len(got)-1].RequestID != "0" {
			t.Errorf("trail runs %s, %s, %s … %s; want after, the note, %d … 0", got[0].RequestID, got[1].Operation, got[2].RequestID, got[len(got)-1].RequestID, kept-1)
		}
	})
}
