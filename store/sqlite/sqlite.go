// Package sqlite is the news.Store on an embedded SQLite database
// (modernc.org/sqlite, pure Go). It owns the schema (embedded goose
// migrations run at Open), the two connection pools (one writer, many
// readers, in WAL mode) and the FTS5 search index.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"sahafa/news"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a news.Store backed by one SQLite database file.
type Store struct {
	w     *sql.DB // writes: a single connection, BEGIN IMMEDIATE
	r     *sql.DB // reads: several query-only connections
	stmts stmtCache
	path  string

	watchMu   sync.Mutex
	watchConn *sql.Conn // held by WatchChanges: data_version is per connection
}

var (
	_ news.Store             = (*Store)(nil)
	_ news.ChangeWatcher     = (*Store)(nil)
	_ news.BulkWriteFinisher = (*Store)(nil)
	_ news.Backuper          = (*Store)(nil)
	_ news.Pinger            = (*Store)(nil)
	_ news.PoolStatser       = (*Store)(nil)
)

// Pragmas set on every connection of both pools. busy_timeout comes first
// (the driver runs it first anyway) so the others wait for a lock instead of
// failing. cache_size is negative: KiB per connection.
var connPragmas = []string{
	"busy_timeout(10000)",
	"foreign_keys(1)",
	"synchronous(NORMAL)",
	"temp_store(MEMORY)",
	"cache_size(-16384)",
}

func pragmaParams(ps ...string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "_pragma=" + p
	}
	return out
}

// Open opens (creating it and its parent directory when missing) the
// database at path, applies pending migrations and returns the Store.
//
// The database holds password hashes and session tokens: a new directory
// is made 0700 and a new database file 0600 (SQLite gives its -wal and
// -shm files the database file's mode). A database or directory that
// cannot be written is refused here, with the reason, rather than found
// out at the first save.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, news.Errorf(news.EINVALID, "sqlite: invalid database path %q", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	if err := checkWritable(path); err != nil {
		return nil, err
	}

	params := pragmaParams(connPragmas...)
	w, err := sql.Open("sqlite", dsnWith(path, params, "_pragma=journal_mode(WAL)", "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)

	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := fillNameKeys(ctx, w); err != nil {
		w.Close()
		return nil, err
	}

	readers := max(4, 2*runtime.NumCPU())
	r, err := sql.Open("sqlite", dsnWith(path, params, "_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, wrapErr("open readers", err)
	}
	return &Store{w: w, r: r, path: path, stmts: stmtCache{db: r, stmts: map[string]*sql.Stmt{}, preparing: map[string]bool{}}}, nil
}

// dsnWith is the modernc.org/sqlite DSN for path: a file name followed by
// query parameters, here _pragma=name(value) (run on each new connection)
// and _txlock.
func dsnWith(path string, params []string, extra ...string) string {
	all := append(append([]string(nil), params...), extra...)
	return path + "?" + strings.Join(all, "&")
}

// migrate applies the embedded migrations that the database lacks.
func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return wrapErr("apply migrations", err)
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	s.stmts.close()
	s.watchMu.Lock()
	if s.watchConn != nil {
		s.watchConn.Close()
		s.watchConn = nil
	}
	s.watchMu.Unlock()
	err := errors.Join(s.r.Close(), s.w.Close())
	s.stmts.background.Wait() // a closed pool fails them, or they finish
	return err
}

// wrapErr adds the operation to err and, for failures a caller can act on,
// a domain error code: EUNAVAILABLE when the database is busy, closed or
// cannot be read or written, ECONFLICT for a broken uniqueness constraint.
// Domain errors pass through unchanged.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var de *news.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return fmt.Errorf("sqlite: %s: %w: %w", op, news.Errorf(news.EUNAVAILABLE, "the database is closed"), err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("sqlite: %s: %w: %w", op, news.Errorf(news.EUNAVAILABLE, "the database is busy, try again"), err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR:
			return fmt.Errorf("sqlite: %s: %w: %w", op, news.Errorf(news.EUNAVAILABLE, "the database cannot be written or read"), err)
		case sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("sqlite: %s: %w: %w", op, news.Errorf(news.ECONFLICT, "%s: conflicts with stored data", op), err)
		}
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// FinishBulkWrite refreshes the statistics SQLite's planner uses after a
// bulk import: a full ANALYZE (0.3 s for 31k articles). PRAGMA optimize
// alone samples a few hundred index rows, and on an archive where every
// article is published that sample made the planner sort all of them for
// the newest six (140 ms for every home page and article side column,
// instead of a fraction of a millisecond along the published index).
func (s *Store) FinishBulkWrite(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `ANALYZE`); err != nil {
		return wrapErr("optimize after import", err)
	}
	return nil
}

// Ping reads the schema version through a reader: the database answers,
// and holds every migration this binary has (a newer binary may have
// added more).
func (s *Store) Ping(ctx context.Context) error {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(max(version_id), 0) FROM goose_db_version`).Scan(&v); err != nil {
		return wrapErr("ping", err)
	}
	if want := latestMigration(); v < want {
		return fmt.Errorf("sqlite: the schema is at version %d, this binary needs %d", v, want)
	}
	return nil
}

// latestMigration is the number of the last embedded migration.
func latestMigration() int64 {
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	var n int64
	for _, f := range files {
		var v int64
		fmt.Sscanf(filepath.Base(f), "%d_", &v)
		n = max(n, v)
	}
	return n
}

// PoolStats reports the reader and writer pools.
func (s *Store) PoolStats() []news.PoolStats {
	out := make([]news.PoolStats, 0, 2)
	for _, p := range []struct {
		name string
		db   *sql.DB
	}{{"read", s.r}, {"write", s.w}} {
		st := p.db.Stats()
		out = append(out, news.PoolStats{Name: p.name, Max: st.MaxOpenConnections, Open: st.OpenConnections,
			InUse: st.InUse, WaitCount: st.WaitCount, WaitDuration: st.WaitDuration})
	}
	return out
}

// checkWritable creates the database file (0600) when it is missing, and
// checks that it and its directory, where SQLite keeps the write-ahead
// log, can be written.
func checkWritable(path string) error {
	dir := filepath.Dir(path)
	probe, err := os.CreateTemp(dir, ".sahafa-write-check-*")
	if err != nil {
		return fmt.Errorf("sqlite: the data folder %s cannot be written (the database and its write-ahead log live there): %w", dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: the database file %s cannot be opened for writing: %w", path, err)
	}
	return f.Close()
}

// PermissionWarnings lists the files of the database at path (and its
// directory) that people other than the owner may read: they hold
// password hashes and session tokens. The server logs them at start.
func PermissionWarnings(path string) []string {
	var out []string
	check := func(p string, dir bool) {
		st, err := os.Stat(p)
		if err != nil {
			return
		}
		if st.Mode().Perm()&0o077 != 0 {
			want := "0600"
			if dir {
				want = "0700"
			}
			out = append(out, fmt.Sprintf("%s is %04o: others on this machine can read it; run chmod %s %s", p, st.Mode().Perm(), want, p))
		}
	}
	check(filepath.Dir(path), true)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		check(path+suffix, false)
	}
	return out
}
