package postgres

import (
	"context"
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

func TestCreateUnderAMissingParentReturnsNotFound(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx := t.Context()
	for _, tc := range []struct {
		name   string
		create func(tx appconfigd.Tx) error
		rt     appconfigd.ResourceType
		id     string
	}{
		{"environment", func(tx appconfigd.Tx) error {
			return tx.CreateEnvironment(ctx, &appconfigd.Environment{ApplicationID: "app0001", ID: "env0001"})
		}, appconfigd.ResourceApplication, "app0001"},
		{"profile", func(tx appconfigd.Tx) error {
			return tx.CreateConfigurationProfile(ctx, &appconfigd.ConfigurationProfile{ApplicationID: "app0001", ID: "prof001"})
		}, appconfigd.ResourceApplication, "app0001"},
		{"hosted version", func(tx appconfigd.Tx) error {
			return tx.CreateHostedConfigurationVersion(ctx, &appconfigd.HostedConfigurationVersion{ApplicationID: "app0001", ConfigurationProfileID: "prof001", VersionNumber: 1})
		}, appconfigd.ResourceConfigurationProfile, "prof001"},
		{"deployment", func(tx appconfigd.Tx) error {
			return tx.CreateDeployment(ctx, &appconfigd.Deployment{ApplicationID: "app0001", EnvironmentID: "env0001", DeploymentNumber: 1})
		}, appconfigd.ResourceEnvironment, "env0001"},
	} {
		err := db.Update(ctx, tc.create)
		var e *appconfigd.Error
		if !errors.As(err, &e) || e.Code != appconfigd.ENotFound || e.ResourceType != tc.rt || e.ResourceName != tc.id {
			t.Errorf("%s under a missing parent: %v, want %s about %s %s", tc.name, err, appconfigd.ENotFound, tc.rt, tc.id)
		}
	}
}

// A failed statement aborts a PostgreSQL transaction; a failed create must
// not, so that a caller may go on after it as with SQLite.
func TestAFailedCreateLeavesTheTransactionUsable(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx := t.Context()
	err := db.Update(ctx, func(tx appconfigd.Tx) error {
		if err := tx.CreateApplication(ctx, &appconfigd.Application{ID: "app0001", Name: "web"}); err != nil {
			return err
		}
		err := tx.CreateApplication(ctx, &appconfigd.Application{ID: "app0001", Name: "again"})
		if !appconfigd.IsCode(err, appconfigd.EConflict) {
			t.Errorf("duplicate create: %v, want %s", err, appconfigd.EConflict)
		}
		err = tx.CreateEnvironment(ctx, &appconfigd.Environment{ApplicationID: "app0002", ID: "env0001"})
		if !appconfigd.IsCode(err, appconfigd.ENotFound) {
			t.Errorf("create under a missing parent: %v, want %s", err, appconfigd.ENotFound)
		}
		return tx.CreateEnvironment(ctx, &appconfigd.Environment{ApplicationID: "app0001", ID: "env0001", Name: "prod"})
	})
	if err != nil {
		t.Fatalf("Update going on after failed creates: %v", err)
	}
	err = db.View(ctx, func(tx appconfigd.Tx) error {
		a, err := tx.FindApplication(ctx, "app0001")
		if err != nil {
			return err
		}
		if a.Name != "web" {
			t.Errorf("Name = %q, want the first create's %q", a.Name, "web")
		}
		_, err = tx.FindEnvironment(ctx, "app0001", "env0001")
		return err
	})
	if err != nil {
		t.Fatal(err)
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

func TestViewRejectsWritesWithoutTouchingTheServer(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx := t.Context()
	err := db.View(ctx, func(tx appconfigd.Tx) error {
		if err := tx.CreateApplication(ctx, &appconfigd.Application{ID: "app0001", Name: "web"}); err == nil {
			t.Errorf("CreateApplication in View succeeded, want an error")
		}
		// The transaction is still good for reading.
		_, err := tx.CountApplications(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// View's REPEATABLE READ READ ONLY is what keeps writes out should a
// statement get past the check in Go, and Update's READ COMMITTED is what
// lets it see the Update that held the lock before it.
func TestTransactionModes(t *testing.T) {
	_, dsn := newSchema(t)
	db := mustOpen(t, dsn)
	ctx := t.Context()
	for _, tc := range []struct {
		name                string
		run                 func(context.Context, func(appconfigd.Tx) error) error
		isolation, readOnly string
	}{
		{"View", db.View, "repeatable read", "on"},
		{"Update", db.Update, "read committed", "off"},
	} {
		err := tc.run(ctx, func(atx appconfigd.Tx) error {
			var isolation, readOnly string
			const q = `SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')`
			if err := atx.(*tx).pgTx.QueryRow(ctx, q).Scan(&isolation, &readOnly); err != nil {
				return err
			}
			if isolation != tc.isolation || readOnly != tc.readOnly {
				t.Errorf("%s runs at %s with read_only %s, want %s and %s", tc.name, isolation, readOnly, tc.isolation, tc.readOnly)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
}
