package postgres

import (
	"errors"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func TestConstraintViolationsAreToldApartByCode(t *testing.T) {
	_, dsn := newSchema(t)
	mustOpen(t, dsn) // migrates
	conn := schemaConn(t, dsn)
	ctx := t.Context()
	insert := func(q string) error {
		_, err := conn.Exec(ctx, q)
		return err
	}
	if err := insert(`INSERT INTO applications (id, name, description) VALUES ('a', 'n', '')`); err != nil {
		t.Fatal(err)
	}
	unique := insert(`INSERT INTO applications (id, name, description) VALUES ('a', 'n', '')`)
	primary := insert(`INSERT INTO sealing_keys (id, secret) VALUES (1, '\x00'), (1, '\x01')`)
	foreign := insert(`INSERT INTO environments (application_id, id, name, description, monitors) VALUES ('none', 'e', 'n', '', 'null')`)
	notNull := insert(`INSERT INTO applications (id, name, description) VALUES ('b', NULL, '')`)
	for _, tc := range []struct {
		name               string
		err                error
		duplicate, foreign bool
	}{
		{"unique", unique, true, false},
		{"primary key", primary, true, false},
		{"foreign key", foreign, false, true},
		{"not null", notNull, false, false},
		{"no error", nil, false, false},
		{"message without code", errors.New(`ERROR: duplicate key value violates unique constraint "applications_id_key" (SQLSTATE 23505)`), false, false},
	} {
		if got := isDuplicate(tc.err); got != tc.duplicate {
			t.Errorf("%s: isDuplicate(%v) = %v, want %v", tc.name, tc.err, got, tc.duplicate)
		}
		if got := isForeignKey(tc.err); got != tc.foreign {
			t.Errorf("%s: isForeignKey(%v) = %v, want %v", tc.name, tc.err, got, tc.foreign)
		}
	}
}

// PostgreSQL text holds neither NUL nor invalid UTF-8. Writing such text is
// a bad request; looking it up finds nothing; neither breaks the
// transaction.
func TestTextPostgreSQLCannotHold(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx := t.Context()
	for _, bad := range []string{"nul\x00", "invalid \xff UTF-8"} {
		err := db.Update(ctx, func(tx appconfigd.Tx) error {
			err := tx.CreateApplication(ctx, &appconfigd.Application{ID: "app0001", Name: bad})
			if !appconfigd.IsCode(err, appconfigd.EBadRequest) {
				t.Errorf("CreateApplication named %q: %v, want %s", bad, err, appconfigd.EBadRequest)
			}
			err = tx.ReplaceTags(ctx, "arn", map[string]string{"k": bad})
			if !appconfigd.IsCode(err, appconfigd.EBadRequest) {
				t.Errorf("ReplaceTags with value %q: %v, want %s", bad, err, appconfigd.EBadRequest)
			}
			_, err = tx.FindApplication(ctx, bad)
			if !appconfigd.IsCode(err, appconfigd.ENotFound) {
				t.Errorf("FindApplication(%q): %v, want %s", bad, err, appconfigd.ENotFound)
			}
			named, err := tx.FindApplicationsByName(ctx, bad)
			if err != nil || len(named) != 0 {
				t.Errorf("FindApplicationsByName(%q) = %d, %v, want none and no error", bad, len(named), err)
			}
			n, err := tx.CountEnvironments(ctx, bad)
			if err != nil || n != 0 {
				t.Errorf("CountEnvironments(%q) = %d, %v, want 0 and no error", bad, n, err)
			}
			tags, err := tx.FindTags(ctx, bad)
			if err != nil || len(tags) != 0 {
				t.Errorf("FindTags(%q) = %v, %v, want none and no error", bad, tags, err)
			}
			return tx.CreateApplication(ctx, &appconfigd.Application{ID: "app0001", Name: "web"})
		})
		if err != nil {
			t.Fatalf("Update going on after text PostgreSQL cannot hold: %v", err)
		}
		if err := db.Update(ctx, func(tx appconfigd.Tx) error { return tx.DeleteApplication(ctx, "app0001") }); err != nil {
			t.Fatal(err)
		}
	}
}

// View's REPEATABLE READ READ ONLY is what keeps writes out should a
// statement get past the check in Go, and Update's READ COMMITTED is what
// lets it see the Update that held the lock before it: begin is where
// both are set.
func TestTransactionModes(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx := t.Context()
	for _, tc := range []struct {
		name                string
		write               bool
		isolation, readOnly string
	}{
		{"View", false, "repeatable read", "on"},
		{"Update", true, "read committed", "off"},
	} {
		txn, err := db.begin(ctx, tc.write)
		if err != nil {
			t.Fatalf("%s: begin: %v", tc.name, err)
		}
		var isolation, readOnly string
		const q = `SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')`
		err = txn.QueryRow(ctx, q).Scan(&isolation, &readOnly)
		txn.Rollback(ctx)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if isolation != tc.isolation || readOnly != tc.readOnly {
			t.Errorf("%s runs at %s with read_only %s, want %s and %s", tc.name, isolation, readOnly, tc.isolation, tc.readOnly)
		}
	}
}
