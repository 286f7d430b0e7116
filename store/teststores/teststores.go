// Package teststores opens the stores a test should run against: SQLite
// always, PostgreSQL when SAHAFA_TEST_POSTGRES names a server. Tests written
// once against news.Store run on both through Each:
//
//	func TestX(t *testing.T) { teststores.Each(t, testX) }
//
//	func testX(t *testing.T, open teststores.OpenFunc) {
//		st := open(t) // a fresh, empty store, closed when t ends
//		…
//	}
//
// Without SAHAFA_TEST_POSTGRES the PostgreSQL half is a skipped subtest
// named "postgres" whose message says how to run it, so go test -v shows
// it and the skips are counted.
package teststores

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"sahafa/news"
	"sahafa/store/postgres"
	"sahafa/store/sqlite"
	"sahafa/store/teststores/pgtest"
)

// OpenFunc opens a fresh, empty store that is closed when t ends.
type OpenFunc = func(t testing.TB) news.Store

// Opener is one kind of store.
type Opener struct {
	Name string // "sqlite" or "postgres": the subtest's name
	Open OpenFunc
}

// SQLite opens a fresh SQLite database in t.TempDir().
func SQLite(t testing.TB) news.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sahafa.db"))
	if err != nil {
		t.Fatalf("open SQLite store: %v", err)
	}
	closeAtEnd(t, st)
	return st
}

// Postgres opens a store in a fresh schema on the SAHAFA_TEST_POSTGRES
// server, dropped when t ends; it skips t when the variable is unset.
func Postgres(t testing.TB) news.Store {
	t.Helper()
	_, dsn := pgtest.NewSchema(t)
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open PostgreSQL store: %v", err)
	}
	closeAtEnd(t, st)
	return st
}

// closeAtEnd closes st when t ends. A test may close it first (to check
// Close itself), so the error of this second Close is not reported.
func closeAtEnd(t testing.TB, st news.Store) {
	t.Cleanup(func() { st.Close() })
}

// All returns SQLite and, when SAHAFA_TEST_POSTGRES is set, PostgreSQL.
func All(t testing.TB) []Opener {
	out := []Opener{{Name: "sqlite", Open: SQLite}}
	if pgtest.DSN() != "" {
		out = append(out, Opener{Name: "postgres", Open: Postgres})
	}
	return out
}

var announce sync.Once

// Each runs fn as a subtest per store, named after it. Without
// SAHAFA_TEST_POSTGRES the "postgres" subtest is skipped with a message
// saying how to run it; the first in each test binary also logs why.
func Each(t *testing.T, fn func(t *testing.T, open func(t testing.TB) news.Store)) {
	t.Helper()
	for _, o := range All(t) {
		t.Run(o.Name, func(t *testing.T) { fn(t, o.Open) })
	}
	if pgtest.DSN() == "" {
		t.Run("postgres", func(t *testing.T) {
			announce.Do(func() {
				t.Log("this package's store tests ran on SQLite only; " + pgtest.SkipMessage +
					" (and " + pgtest.EnvPgCtl + "=\"pg_ctl … -D DATADIR\" for the restart tests)")
			})
			t.Skip(pgtest.SkipMessage)
		})
	}
}
