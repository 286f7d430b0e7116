// Package postgres is the news.Store on PostgreSQL (15 or later), through
// pgx and its connection pool. It owns the schema (embedded goose
// migrations, applied at Open under an advisory lock so that servers
// starting together do not race), the tsvector search index, and the
// LISTEN/NOTIFY channel that tells every node about writes.
//
// The DSN is any pgx connection string. A search_path runtime parameter
// (postgres://…/db?search_path=tenant) puts every table, the goose version
// table included, in that schema, which must exist.
//
// Tests: the integration tests run only when SAHAFA_TEST_POSTGRES holds
// the DSN of a server where the role may create schemas (tools/pgtemp.sh
// starts a throwaway one); each test works in a schema of its own and drops
// it. SAHAFA_TEST_PG_CTL, the command prefix that runs pg_ctl for that
// server (for instance "runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl
// -D /tmp/pg/data"), enables the test that stops and starts the server.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"sahafa/news"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Timeouts that keep every call bounded when the server is down or
// restarting: a connection attempt, waiting for a pooled connection, and a
// whole call when the caller's context sets no deadline.
//
// A server that is down is found by the connection attempt: refused at
// once, or connectTimeout when packets are dropped. acquireTimeout is
// only ever the wait for a busy pool. It was 3 s, and with the CPU
// saturated 200 concurrent searches on a pool of 4 spent longer than that
// in the queue: 1,137 of 2,000 got 503 "the database cannot be reached"
// with PostgreSQL up (context deadline exceeded in acquire). Pages now
// queue before the pool, in the site's render limit, which keeps to the
// pool's size; the pool is twice as large as that limit's default so
// newsroom and background work rarely queue either, and a wait that runs
// out says the database is busy, not unreachable.
const (
	connectTimeout = 2 * time.Second
	callTimeout    = 60 * time.Second
)

// acquireTimeout is a variable so that a test can see it run out.
var acquireTimeout = 10 * time.Second

// Advisory lock class ids (the first key of the two-key form); the second
// key is a hash of the schema, so that schemas do not block each other.
const (
	lockMigrate = 0x5a4a01 // held while migrating
	lockWrite   = 0x5a4a02 // held by SaveArticles transactions
)

// changesChannel is the NOTIFY channel of content changes.
const changesChannel = "sahafa_changes"

// Store is a news.Store backed by a PostgreSQL database.
type Store struct {
	pool     *pgxpool.Pool
	connConf *pgx.ConnConfig // for the watchers' own connections
	reads    *replicas       // nil without read replicas

	ctx    context.Context // ends at Close, stopping the watchers
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

var (
	_ news.Store             = (*Store)(nil)
	_ news.ChangeWatcher     = (*Store)(nil)
	_ news.BulkWriteFinisher = (*Store)(nil)
	_ news.SiteStore         = (*Store)(nil)
	_ news.Pinger            = (*Store)(nil)
	_ news.PoolStatser       = (*Store)(nil)
	_ news.ReplicaStatser    = (*Store)(nil)
)

// Open connects to the database at dsn, applies pending migrations and
// returns the Store. Several processes may Open the same fresh database at
// once: the migrations run under an advisory lock.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, news.Errorf(news.EINVALID, "postgres: invalid DSN: %v", err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > connectTimeout {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, 4*runtime.NumCPU()))
	}
	cfg.HealthCheckPeriod = 5 * time.Second

	if err := migrate(ctx, cfg.ConnConfig); err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, wrapErr(ctx, "open pool", err)
	}
	if err := fillNameKeys(ctx, pool); err != nil {
		pool.Close()
		return nil, wrapErr(ctx, "open", err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	return &Store{pool: pool, connConf: cfg.ConnConfig.Copy(), ctx: sctx, cancel: cancel}, nil
}

// migrate applies the embedded migrations through database/sql (goose's
// interface), holding a session advisory lock keyed by the schema for the
// whole run: a second server waits, then finds nothing left to do.
func migrate(ctx context.Context, conf *pgx.ConnConfig) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	db := stdlib.OpenDB(*conf.Copy())
	defer db.Close()
	db.SetMaxOpenConns(2)

	lockCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	conn, err := db.Conn(lockCtx)
	if err != nil {
		return wrapErr(ctx, "migrate: connect", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(lockCtx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, lockMigrate); err != nil {
		return wrapErr(ctx, "migrate: lock", err)
	}
	defer func() {
		// A lost connection drops its session locks by itself.
		uctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, lockMigrate)
	}()

	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return wrapErr(ctx, "apply migrations", err)
	}
	return nil
}

// Close stops the watchers and closes the pool.
func (s *Store) Close() error {
	s.cancel()
	s.wg.Wait()
	s.reads.close()
	s.pool.Close()
	return nil
}

// callCtx bounds a call whose context has no deadline.
func callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, callTimeout)
}

// acquire takes a pooled connection, waiting at most acquireTimeout for a
// busy pool; a server that is down makes every call fail fast with
// EUNAVAILABLE.
func (s *Store) acquire(ctx context.Context, op string) (*pgxpool.Conn, error) {
	return acquireFrom(ctx, s.pool, op)
}

func acquireFrom(ctx context.Context, pool *pgxpool.Pool, op string) (*pgxpool.Conn, error) {
	actx, cancel := context.WithTimeout(ctx, acquireTimeout)
	defer cancel()
	c, err := pool.Acquire(actx)
	if err != nil {
		if ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || actx.Err() != nil) {
			msg := "the database cannot be reached"
			if st := pool.Stat(); st.AcquiredConns() >= st.MaxConns() {
				msg = "the database is busy: every pooled connection is in use"
			}
			return nil, fmt.Errorf("postgres: %s: %w: %w", op, news.Errorf(news.EUNAVAILABLE, "%s", msg), err)
		}
		return nil, wrapErr(ctx, op, err)
	}
	return c, nil
}

// readTx runs fn in a read-only transaction (one snapshot for the queries
// of one call), on a replica when one may serve ctx (see read).
func (s *Store) readTx(ctx context.Context, op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	opts := pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}
	if r := s.reads.pick(ctx); r != nil {
		err := s.inTxOn(ctx, r.pool, op, opts, noNotify, fn)
		if !s.fellBack(ctx, r, err) {
			return err
		}
	}
	return s.inTx(ctx, op, opts, noNotify, fn)
}

// writeTx runs fn in a read-write transaction that notifies the other
// nodes at commit that anything may have changed.
func (s *Store) writeTx(ctx context.Context, op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return s.inTx(ctx, op, pgx.TxOptions{}, notifyAll, fn)
}

// Notification payloads: the schema, then what changed ("" for anything,
// relatedPrefix and an id for one article's own page, mediaPrefix and an
// id for the pages showing one image), so that the
// watchers of other schemas in the same database can ignore it and the
// others drop only what changed.
const (
	noNotify = "\x00"
	// countsOnly: no notification, and readers need not see the write at
	// once (view counts): it does not send this node's reads to the
	// primary until a replica has it.
	countsOnly    = "\x01"
	notifyAll     = ""
	payloadSep    = "\t"
	relatedPrefix = "related:"
	mediaPrefix   = "media:"
)

// flushCommit makes a transaction's commit wait for its WAL flush where
// the server does not (synchronous_commit = off): a replica receives only
// flushed WAL, so an unflushed publish would reach the replicas — and the
// other servers' pages reading from them — only at the WAL writer's next
// round (wal_writer_delay, 200 ms by default), and the flush position
// noteWrite reads could precede the commit. A stronger setting is kept.
// The setting counts at commit, so it rides on the transaction's last
// statement: the change notification when there is one (notifyFlushed).
const (
	flushCommitExpr = `CASE WHEN current_setting('synchronous_commit') = 'off' THEN set_config('synchronous_commit', 'local', true) END`
	flushCommit     = `SELECT ` + flushCommitExpr
	notifyFlushed   = `SELECT pg_notify($1, current_schema() || $2), ` + flushCommitExpr
)

func (s *Store) inTx(ctx context.Context, op string, opts pgx.TxOptions, notify string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return s.inTxOn(ctx, s.pool, op, opts, notify, fn)
}

func (s *Store) inTxOn(ctx context.Context, pool *pgxpool.Pool, op string, opts pgx.TxOptions, notify string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	c, err := acquireFrom(ctx, pool, op)
	if err != nil {
		return err
	}
	defer c.Release()
	tx, err := c.BeginTx(ctx, opts)
	if err != nil {
		return wrapErr(ctx, op, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(ctx, tx); err != nil {
		return wrapErr(ctx, op, err)
	}
	flush := opts.AccessMode != pgx.ReadOnly && notify != countsOnly
	switch {
	case flush && notify != noNotify:
		// Delivered to the listeners at commit, and not at all on rollback.
		what := ""
		if notify != notifyAll {
			what = payloadSep + notify
		}
		if _, err := tx.Exec(ctx, notifyFlushed, changesChannel, what); err != nil {
			return wrapErr(ctx, op, err)
		}
	case flush:
		if _, err := tx.Exec(ctx, flushCommit); err != nil {
			return wrapErr(ctx, op, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return wrapErr(ctx, op, err)
	}
	if flush {
		s.noteWrite(ctx, c)
	}
	return nil
}

// query runs fn on a pooled connection of the primary outside an explicit
// transaction.
func (s *Store) query(ctx context.Context, op string, fn func(ctx context.Context, c querier) error) error {
	return s.queryOn(ctx, s.pool, op, fn)
}

func (s *Store) queryOn(ctx context.Context, pool *pgxpool.Pool, op string, fn func(ctx context.Context, c querier) error) error {
	ctx, cancel := callCtx(ctx)
	defer cancel()
	c, err := acquireFrom(ctx, pool, op)
	if err != nil {
		return err
	}
	defer c.Release()
	return wrapErr(ctx, op, fn(ctx, c))
}

// wrapErr adds the operation to err and, for failures a caller can act on,
// a domain error code: EUNAVAILABLE when the server cannot be reached, is
// shutting down or starting, ECONFLICT for a broken uniqueness or foreign
// key constraint (as the SQLite store reports constraint failures).
// Domain errors pass through unchanged; so does the caller's own
// cancellation. ctx is the call's context.
func wrapErr(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var de *news.Error
	if errors.As(err, &de) {
		return err
	}
	unavailable := func(msg string) error {
		return fmt.Errorf("postgres: %s: %w: %w", op, news.Errorf(news.EUNAVAILABLE, "%s", msg), err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"):
			return unavailable("the database connection failed")
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03":
			return unavailable("the database is restarting, try again")
		case pe.Code == "53300": // too_many_connections
			return unavailable("the database is busy, try again")
		case pe.Code == "40001", pe.Code == "40P01": // serialization failure, deadlock
			return unavailable("the database is busy, try again")
		case pe.Code == "23505", pe.Code == "23503": // unique violation; a row referred to is missing
			return fmt.Errorf("postgres: %s: %w: %w", op, news.Errorf(news.ECONFLICT, "%s: conflicts with stored data", op), err)
		}
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce):
		return unavailable("the database cannot be reached")
	case errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err):
		return unavailable("the database did not answer in time")
	case errors.As(err, &ne), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, sql.ErrConnDone):
		return unavailable("the database connection was lost")
	}
	if msg := err.Error(); strings.Contains(msg, "closed pool") || strings.Contains(msg, "conn closed") {
		return unavailable("the database is closed")
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// FinishBulkWrite vacuums and analyzes the tables after a bulk import, so
// the planner knows the new rows and index-only counts can skip the heap.
// VACUUM cannot run in a transaction: it runs on a pooled connection.
func (s *Store) FinishBulkWrite(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) articles, article_authors, article_tags, sections, authors, tags,
		related, redirects, comments`); err != nil {
		return fmt.Errorf("postgres: vacuum after import: %w", err)
	}
	return nil
}

// Ping reads the schema version: the server answers, and the schema holds
// every migration this binary has (a newer binary may have added more).
func (s *Store) Ping(ctx context.Context) error {
	var v int64
	err := s.query(ctx, "ping", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT COALESCE(max(version_id), 0) FROM goose_db_version`).Scan(&v)
	})
	if err != nil {
		return err
	}
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	var want int64
	for _, f := range files {
		var n int64
		fmt.Sscanf(path.Base(f), "%d_", &n)
		want = max(want, n)
	}
	if v < want {
		return fmt.Errorf("postgres: the schema is at version %d, this binary needs %d", v, want)
	}
	return nil
}

// PoolStats reports the connection pool.
func (s *Store) PoolStats() []news.PoolStats {
	stats := func(name string, p *pgxpool.Pool) news.PoolStats {
		st := p.Stat()
		return news.PoolStats{Name: name, Max: int(st.MaxConns()), Open: int(st.TotalConns()),
			InUse: int(st.AcquiredConns()), WaitCount: st.EmptyAcquireCount(), WaitDuration: st.AcquireDuration()}
	}
	out := []news.PoolStats{stats("postgres", s.pool)}
	if s.reads != nil {
		for _, r := range s.reads.list {
			out = append(out, stats("postgres_"+r.name, r.pool))
		}
	}
	return out
}
