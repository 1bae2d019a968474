package sqlstore

import (
	"testing"
	"testing/fstest"
)

func TestListMigrationsOrdersByVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"migration/0010_ten.sql": {},
		"migration/0002_two.sql": {},
		"migration/0001_one.sql": {},
		"migration/README":       {},
	}
	got, err := ListMigrations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []Migration{{1, "0001_one.sql"}, {2, "0002_two.sql"}, {10, "0010_ten.sql"}}
	if len(got) != len(want) {
		t.Fatalf("ListMigrations = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("migration %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestListMigrationsRejectsBadSets(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"none":           {},
		"no number":      {"migration/init.sql": {}},
		"zero":           {"migration/0000_init.sql": {}},
		"shared version": {"migration/0001_a.sql": {}, "migration/01_b.sql": {}},
	} {
		if got, err := ListMigrations(fsys); err == nil {
			t.Errorf("%s: ListMigrations = %v, want an error", name, got)
		}
	}
}

func TestArgsNumberPlaceholdersInOrder(t *testing.T) {
	var a Args
	got := a.Add("x") + " " + a.Add(2) + " " + a.Add(nil)
	if want := "$1 $2 $3"; got != want {
		t.Errorf("placeholders = %q, want %q", got, want)
	}
	if len(a) != 3 || a[0] != "x" || a[1] != 2 || a[2] != nil {
		t.Errorf("arguments = %v, want [x 2 <nil>]", a)
	}
}
