package postgres

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/sqlstore"
)

// TestListenHearsOtherHandlesCommits shows the change feed replicas use:
// a committed Update through one handle reaches a listener on another; a
// rolled-back one, and one in another schema, do not.
func TestListenHearsOtherHandlesCommits(t *testing.T) {
	_, dsn := newSchema(t)
	_, otherDSN := newSchema(t)
	writer, listener, other := mustOpen(t, dsn), mustOpen(t, dsn), mustOpen(t, otherDSN)

	changes := make(chan appconfigd.StoreChange, 16)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- listener.Listen(ctx, func(c appconfigd.StoreChange) { changes <- c }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Listen returned %v after cancel, want context.Canceled", err)
		}
	})

	create := func(db *DB, id string, fail bool) {
		t.Helper()
		err := db.Update(t.Context(), func(tx appconfigd.Tx) error {
			if err := tx.CreateApplication(t.Context(), &appconfigd.Application{ID: id, Name: id}); err != nil {
				return err
			}
			if fail {
				return appconfigd.Errorf(appconfigd.EBadRequest, "roll back")
			}
			return nil
		})
		if (err != nil) != fail {
			t.Fatalf("Update: %v", err)
		}
	}
	// The LISTEN may not be in place yet: write until the first change is
	// heard, then drain.
	deadline := time.After(10 * time.Second)
	for heard := false; !heard; {
		create(writer, "warm"+time.Now().Format("150405.000000"), false)
		select {
		case <-changes:
			heard = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no change heard within 10 s")
		}
	}
	// Warm-up writes may still be on their way: drain until none has
	// come for 500 ms.
	for quiet := false; !quiet; {
		select {
		case <-changes:
		case <-time.After(500 * time.Millisecond):
			quiet = true
		}
	}

	create(writer, "rolled", true)
	create(other, "elsewhere", false)
	select {
	case <-changes:
		t.Fatal("heard a rolled-back Update or one in another schema")
	case <-time.After(300 * time.Millisecond):
	}

	create(writer, "committed", false)
	select {
	case got := <-changes:
		if want := []string{"committed"}; got.All || !slices.Equal(got.Applications, want) {
			t.Errorf("heard %+v, want the change of applications %v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a committed Update was not heard within 5 s")
	}
}

// TestListenReportsOnceListening: Listen calls changed as soon as it
// listens, without any commit, because a commit made after the caller
// last read the store and before the LISTEN took effect sent a
// notification nobody heard (a replica starting while another writes).
func TestListenReportsOnceListening(t *testing.T) {
	_, dsn := newSchema(t)
	listener := mustOpen(t, dsn)
	changes := make(chan appconfigd.StoreChange, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- listener.Listen(ctx, func(c appconfigd.StoreChange) {
			select {
			case changes <- c:
			default:
			}
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case got := <-changes:
		if !got.All {
			t.Errorf("first report %+v, want one of everything", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Listen did not report within 10 s of starting")
	}
}

// TestNotifyPayloadSaysWhatChanged: the NOTIFY payload names the
// applications a transaction changed, says when it changed nothing the
// catalog holds, and falls back to everything when it cannot say (a
// sealing key, more IDs than a payload holds, or an ID that would read
// back as something else: empty, "-", or with a comma); a listener reads
// back what was meant, and an empty payload, as older versions send, as
// everything.
func TestNotifyPayloadSaysWhatChanged(t *testing.T) {
	t.Parallel()
	many := make([]string, 1000)
	for i := range many {
		many[i] = "app" + strings.Repeat("x", 5) + string(rune('a'+i%26))
	}
	for _, c := range []struct {
		name    string
		changes sqlstore.Changes
		want    appconfigd.StoreChange
	}{
		{"Applications", sqlstore.Changes{Wrote: true, Applications: []string{"a1", "b2"}}, appconfigd.StoreChange{Applications: []string{"a1", "b2"}}},
		{"NothingTheCatalogHolds", sqlstore.Changes{Wrote: true}, appconfigd.StoreChange{}},
		{"All", sqlstore.Changes{Wrote: true, All: true, Applications: []string{"a1"}}, appconfigd.StoreChange{All: true}},
		{"TooMany", sqlstore.Changes{Wrote: true, Applications: many}, appconfigd.StoreChange{All: true}},
		{"EmptyID", sqlstore.Changes{Wrote: true, Applications: []string{"", "a1"}}, appconfigd.StoreChange{All: true}},
		{"OnlyAnEmptyID", sqlstore.Changes{Wrote: true, Applications: []string{""}}, appconfigd.StoreChange{All: true}},
		{"IDThatReadsAsNoChange", sqlstore.Changes{Wrote: true, Applications: []string{"-"}}, appconfigd.StoreChange{All: true}},
		{"IDWithAComma", sqlstore.Changes{Wrote: true, Applications: []string{"a1,b2"}}, appconfigd.StoreChange{All: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			p := notifyPayload(c.changes)
			if len(p) > maxPayload {
				t.Errorf("payload of %d bytes, want at most %d", len(p), maxPayload)
			}
			got := parsePayload(p)
			if got.All != c.want.All || !slices.Equal(got.Applications, c.want.Applications) {
				t.Errorf("payload %q reads as %+v, want %+v", p, got, c.want)
			}
		})
	}
}
