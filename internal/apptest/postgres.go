package apptest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DatabaseEnv names the environment variable that holds the URL of the
// PostgreSQL database tests use, for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. .ci/run sets
// it; README.md says how to run these tests locally.
const DatabaseEnv = "APPCONFIGD_TEST_DATABASE_URL"

// DatabaseURL returns the test database's URL, or stops the test (see
// Missing) when DatabaseEnv is not set.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(DatabaseEnv)
	if dsn == "" {
		Missing(t, DatabaseEnv+" is not set; set it to a PostgreSQL database URL to run the PostgreSQL tests (README.md, \"Tests\")")
	}
	return dsn
}

// Schema is an empty PostgreSQL schema of the test database that exists
// for one test.
type Schema struct {
	// Name is the schema's name, and DSN a URL of the test database
	// whose search_path selects it.
	Name, DSN string
}

// NewSchema creates an empty schema, dropped when the test ends (after
// the cleanups registered later, such as closing a store opened on it),
// and returns it. params are added to the DSN (pool_max_conns, …). The
// test stops (see Missing) without a test database.
func NewSchema(t testing.TB, params map[string]string) Schema {
	t.Helper()
	base := DatabaseURL(t)
	name := "appconfigd_test_" + strings.ToLower(rand.Text())
	ident := pgx.Identifier{name}.Sanitize()
	if err := Exec(t.Context(), base, "CREATE SCHEMA "+ident); err != nil {
		t.Fatalf("create schema %s: %v", name, err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := Exec(ctx, base, "DROP SCHEMA "+ident+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	all := map[string]string{"search_path": name}
	for k, v := range params {
		all[k] = v
	}
	dsn, err := WithParams(base, all)
	if err != nil {
		t.Fatalf("%s: %v", DatabaseEnv, err)
	}
	return Schema{Name: name, DSN: dsn}
}

// WithParams returns dsn with extra connection parameters, in URL or in
// keyword/value form like dsn. The values must need no quoting.
func WithParams(dsn string, params map[string]string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	var b strings.Builder
	b.WriteString(dsn)
	for k, v := range params {
		fmt.Fprintf(&b, " %s=%s", k, v)
	}
	return b.String(), nil
}

// Exec runs one statement on a connection of its own to the database dsn
// names.
func Exec(ctx context.Context, dsn, statement string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, statement)
	return err
}
