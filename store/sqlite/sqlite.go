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
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, news.Errorf(news.EINVALID, "sqlite: invalid database path %q", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
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
// bulk import (PRAGMA optimize).
func (s *Store) FinishBulkWrite(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `PRAGMA optimize`); err != nil {
		return wrapErr("optimize after import", err)
	}
	return nil
}
