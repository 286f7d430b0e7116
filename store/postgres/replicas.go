package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"sahafa/news"
)

// Options configure OpenWith.
type Options struct {
	// Replicas are the DSNs of streaming replicas of the primary (each
	// with the primary's search_path, if it sets one). The public reads —
	// pages, search, feeds, the read API — go to a replica that has
	// replayed every write this Store must see; everything else, and any
	// read when no replica qualifies, goes to the primary.
	Replicas []string
	// MaxLag is how far a replica's replay may trail the primary before
	// it is skipped (default DefaultMaxLag).
	MaxLag time.Duration
	// ProbeEvery is how often each replica's replay position is read
	// (default 100 ms): the longest a node reads from the primary after a
	// write before its replica is known to hold it.
	ProbeEvery time.Duration
	Logger     *slog.Logger
}

// DefaultMaxLag is the replica lag bound when Options.MaxLag is zero.
const DefaultMaxLag = 5 * time.Second

// lagSlack is the distance below a primary position at which a replica
// still counts as having reached it, for the lag estimate only (never for
// read-your-writes): the flush position can sit past a page header that
// the replica's end of replay does not include.
const lagSlack = 64

// replica is one read replica and what the last probe found.
type replica struct {
	name   string
	pool   *pgxpool.Pool
	up     atomic.Bool   // answering, in recovery, within the lag bound
	replay atomic.Uint64 // replayed WAL position at the last probe
	lag    atomic.Int64  // nanoseconds
	reads  atomic.Int64
	falls  atomic.Int64
}

// replicas routes reads. mustSee is the newest primary WAL position this
// Store knows to hold a write its readers must see: its own commits, and
// the position read when another node's change notification arrives
// (before the pages are told to drop what they cached).
type replicas struct {
	list    []*replica
	next    atomic.Uint32
	mustSee atomic.Uint64
	// primaryUntil (unix nanoseconds) sends every read to the primary
	// until then: set when a write's position could not be read.
	primaryUntil atomic.Int64
	maxLag       time.Duration
	interval     time.Duration
	log          *slog.Logger

	mu      sync.Mutex
	samples []lsnSample // the primary's flush position over time, oldest first
}

type lsnSample struct {
	at  time.Time
	lsn uint64
}

// OpenWith is Open with read replicas. A replica that cannot be reached
// at start is not an error: it is probed and used once it answers.
func OpenWith(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s, err := Open(ctx, dsn)
	if err != nil || len(opts.Replicas) == 0 {
		return s, err
	}
	rs := &replicas{maxLag: opts.MaxLag, interval: opts.ProbeEvery, log: opts.Logger}
	if rs.maxLag <= 0 {
		rs.maxLag = DefaultMaxLag
	}
	if rs.interval <= 0 {
		rs.interval = 100 * time.Millisecond
	}
	if rs.log == nil {
		rs.log = slog.New(slog.DiscardHandler)
	}
	for i, rdsn := range opts.Replicas {
		cfg, err := pgxpool.ParseConfig(rdsn)
		if err != nil {
			s.Close()
			rs.close()
			return nil, news.Errorf(news.EINVALID, "postgres: replica %d: invalid DSN: %v", i+1, err)
		}
		cfg.ConnConfig.ConnectTimeout = connectTimeout
		if !strings.Contains(rdsn, "pool_max_conns") {
			cfg.MaxConns = s.pool.Config().MaxConns
		}
		cfg.HealthCheckPeriod = 5 * time.Second
		pool, err := pgxpool.NewWithConfig(ctx, cfg) // connects lazily
		if err != nil {
			s.Close()
			rs.close()
			return nil, fmt.Errorf("postgres: replica %d: %w", i+1, err)
		}
		rs.list = append(rs.list, &replica{name: "replica" + strconv.Itoa(i+1), pool: pool})
	}
	s.reads = rs
	rs.probe(s.ctx, s.pool) // know the replicas before the first page
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(rs.interval)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case <-t.C:
				rs.probe(s.ctx, s.pool)
			}
		}
	}()
	return s, nil
}

func (rs *replicas) close() {
	if rs == nil {
		return
	}
	for _, r := range rs.list {
		r.pool.Close()
	}
}

// probe samples the primary's flush position, then reads each replica's
// replay position and from the samples works out how far it trails.
func (rs *replicas) probe(ctx context.Context, primary *pgxpool.Pool) {
	pctx, cancel := context.WithTimeout(ctx, time.Second)
	var text string
	err := primary.QueryRow(pctx, `SELECT pg_current_wal_flush_lsn()::text`).Scan(&text)
	cancel()
	now := time.Now()
	if lsn, ok := parseLSN(text); err == nil && ok {
		rs.mu.Lock()
		rs.samples = append(rs.samples, lsnSample{now, lsn})
		// Keep twice the bound: enough to measure any lag worth knowing.
		cut := 0
		for cut < len(rs.samples)-1 && now.Sub(rs.samples[cut].at) > 2*rs.maxLag {
			cut++
		}
		rs.samples = rs.samples[cut:]
		rs.mu.Unlock()
	}
	for _, r := range rs.list {
		rs.probeOne(ctx, r, now)
	}
}

func (rs *replicas) probeOne(ctx context.Context, r *replica, now time.Time) {
	rctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var recovering bool
	var text string
	err := r.pool.QueryRow(rctx, `SELECT pg_is_in_recovery(), COALESCE(pg_last_wal_replay_lsn()::text, '')`).Scan(&recovering, &text)
	lsn, ok := parseLSN(text)
	switch {
	case err != nil:
		rs.setUp(r, false, "the replica does not answer", err)
		return
	case !recovering || !ok:
		// A promoted or stand-alone server: its data may have parted from
		// the primary's.
		rs.setUp(r, false, "the server is not a replica (not in recovery)", nil)
		return
	}
	r.replay.Store(lsn)
	lag := rs.lagOf(lsn, now)
	r.lag.Store(int64(lag))
	if lag > rs.maxLag {
		rs.setUp(r, false, "the replica trails the primary by "+lag.Round(time.Millisecond).String(), nil)
		return
	}
	rs.setUp(r, true, "", nil)
}

// lagOf is how long ago the primary was last at or below lsn: zero when
// the replica holds the newest sample.
func (rs *replicas) lagOf(lsn uint64, now time.Time) time.Duration {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.samples) == 0 {
		return 0 // the primary does not answer: nothing to trail
	}
	for i := len(rs.samples) - 1; i >= 0; i-- {
		if rs.samples[i].lsn <= lsn+lagSlack {
			if i == len(rs.samples)-1 {
				return 0
			}
			// It holds sample i, not i+1: behind since just after i.
			return now.Sub(rs.samples[i+1].at)
		}
	}
	return now.Sub(rs.samples[0].at)
}

func (rs *replicas) setUp(r *replica, up bool, why string, err error) {
	if r.up.Swap(up) == up {
		return
	}
	if up {
		rs.log.Info("database replica in use", "replica", r.name)
		return
	}
	args := []any{"replica", r.name, "reason", why}
	if err != nil {
		args = append(args, "err", err)
	}
	rs.log.Warn("database replica skipped: reads go to the primary", args...)
}

// sawWrite raises the position every read must see.
func (rs *replicas) sawWrite(lsn uint64) { raise(&rs.mustSee, lsn) }

// pick returns a replica that may serve a read in ctx, or nil for the
// primary: one that is up and has replayed every write this Store must
// see, taking the replicas in turn.
func (rs *replicas) pick(ctx context.Context) *replica {
	if rs == nil || news.ReadsPrimary(ctx) || time.Now().UnixNano() < rs.primaryUntil.Load() {
		return nil
	}
	need := rs.mustSee.Load()
	n := uint32(len(rs.list))
	start := rs.next.Add(1)
	for i := range n {
		r := rs.list[(start+i)%n]
		if r.up.Load() && r.replay.Load() >= need {
			return r
		}
	}
	return nil
}

// catchUpWait bounds how long a change notification waits for a replica
// to replay the change before the pages are told of it; catchUpPoll is
// how often the replay position is read meanwhile. Replay on a healthy
// replica takes milliseconds: waiting lets the pages rendered after a
// publish — the burst of re-renders a publish causes — read from the
// replica instead of all falling on the primary until the next probe.
const (
	catchUpWait = 250 * time.Millisecond
	catchUpPoll = 2 * time.Millisecond
)

// catchUp waits, at most catchUpWait, until a replica in use has replayed
// mustSee, reading the replicas' replay positions directly.
func (rs *replicas) catchUp(ctx context.Context) {
	if rs == nil {
		return
	}
	need := rs.mustSee.Load()
	ctx, cancel := context.WithTimeout(ctx, min(catchUpWait, rs.maxLag))
	defer cancel()

	for {
		waiting := false
		for _, r := range rs.list {
			if !r.up.Load() {
				continue
			}
			if r.replay.Load() >= need {
				return
			}
			var text string
			if err := r.pool.QueryRow(ctx, `SELECT COALESCE(pg_last_wal_replay_lsn()::text, '')`).Scan(&text); err != nil {
				continue // the probe decides whether it is down
			}
			if lsn, ok := parseLSN(text); ok {
				raise(&r.replay, lsn)
				if lsn >= need {
					return
				}
			}
			waiting = true
		}
		if !waiting {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(catchUpPoll):
		}
	}
}

// raise sets v to x unless v already holds more.
func raise(v *atomic.Uint64, x uint64) {
	for {
		cur := v.Load()
		if x <= cur || v.CompareAndSwap(cur, x) {
			return
		}
	}
}

// parseLSN reads PostgreSQL's text form of a WAL position, "16/B374D848".
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return h<<32 | l, true
}

// noteWrite records the primary's flush position after a commit on c,
// when this Store reads from replicas: from then on a replica serves this
// Store's reads only once it has replayed that far. The position is read
// after the commit, so it is at or past the commit record: the flush
// position, since every write that readers must see waits for its flush
// (see flushCommit).
func (s *Store) noteWrite(ctx context.Context, c querier) {
	if s.reads == nil {
		return
	}
	var text string
	if err := c.QueryRow(ctx, `SELECT pg_current_wal_flush_lsn()::text`).Scan(&text); err != nil {
		// Unknown: read from the primary for as long as a replica in use
		// may trail it.
		s.reads.primaryUntil.Store(time.Now().Add(s.reads.maxLag).UnixNano())
		return
	}
	if lsn, ok := parseLSN(text); ok {
		s.reads.sawWrite(lsn)
	}
}

// read runs a read-only fn on a replica that may serve ctx, else on the
// primary. A replica that fails the call for want of a connection (it
// stopped, restarted, cancelled the query for recovery) is skipped until
// its next good probe, and the primary runs fn again: fn must set its
// results, not add to them.
func (s *Store) read(ctx context.Context, op string, fn func(ctx context.Context, c querier) error) error {
	if r := s.reads.pick(ctx); r != nil {
		err := s.queryOn(ctx, r.pool, op, fn)
		if !s.fellBack(ctx, r, err) {
			return err
		}
	}
	return s.query(ctx, op, fn)
}

// fellBack reports whether a replica's failure err should be retried on
// the primary, and if so takes the replica out of use.
func (s *Store) fellBack(ctx context.Context, r *replica, err error) bool {
	if err == nil || ctx.Err() != nil || news.ErrorCode(err) != news.EUNAVAILABLE {
		if err == nil {
			r.reads.Add(1)
		}
		return false
	}
	r.falls.Add(1)
	s.reads.setUp(r, false, "a read failed", err)
	return true
}

// ReplicaStats reports the read replicas.
func (s *Store) ReplicaStats() []news.ReplicaStats {
	if s.reads == nil {
		return nil
	}
	out := make([]news.ReplicaStats, 0, len(s.reads.list))
	for _, r := range s.reads.list {
		out = append(out, news.ReplicaStats{Name: r.name, Up: r.up.Load(), Lag: time.Duration(r.lag.Load()),
			Reads: r.reads.Load(), Falls: r.falls.Load()})
	}
	return out
}
