package postgres

import (
	"context"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// Reconnection delays of WatchChanges: doubling from the first to the
// last, with jitter, so that a restarted server is found within about
// maxWatchBackoff and a server that stays down costs a connection attempt
// every few seconds, never a busy loop.
const (
	minWatchBackoff = 100 * time.Millisecond
	maxWatchBackoff = 2 * time.Second
)

// WatchChanges calls onChange after every write committed to this schema
// by any Store on the database: every write transaction sends a NOTIFY on
// the sahafa_changes channel, and the watcher LISTENs on a connection of
// its own (outside the pool). When that connection fails — the server
// restarted, the network broke — it reconnects with backoff and then calls
// onChange once, since notifications sent meanwhile were lost. It returns
// once the first LISTEN is in place (or its first attempt failed) and
// watches in the background until ctx ends or the Store is closed.
// onChange runs on the watcher's goroutine, one call at a time.
func (s *Store) WatchChanges(ctx context.Context, onChange func(news.Change)) {
	if s.ctx.Err() != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	conn, schema, err := s.listen(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		defer stop()
		s.watch(ctx, conn, schema, err != nil, onChange)
	}()
}

// listen opens the watcher's connection and starts listening.
func (s *Store) listen(ctx context.Context) (*pgx.Conn, string, error) {
	ctx, cancel := context.WithTimeout(ctx, connectTimeout+time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, s.connConf.Copy())
	if err != nil {
		return nil, "", err
	}
	var schema string
	err = conn.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema)
	if err == nil {
		// The channel is a constant identifier, not input.
		_, err = conn.Exec(ctx, `LISTEN `+changesChannel)
	}
	if err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, "", err
	}
	return conn, schema, nil
}

func (s *Store) watch(ctx context.Context, conn *pgx.Conn, schema string, missed bool, onChange func(news.Change)) {
	defer func() {
		if conn != nil {
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Close(cctx)
			cancel()
		}
	}()
	backoff := minWatchBackoff
	for {
		if conn == nil {
			wait := backoff/2 + rand.N(backoff/2+1)
			backoff = min(2*backoff, maxWatchBackoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			c, sch, err := s.listen(ctx)
			if err != nil {
				continue
			}
			conn, schema, backoff = c, sch, minWatchBackoff
			if missed {
				missed = false
				s.noteWrite(ctx, conn)
				s.reads.catchUp(ctx)
				onChange(news.Change{All: true})
			}
		}
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Close(cctx)
			cancel()
			conn = nil
			if ctx.Err() != nil {
				return
			}
			missed = true
			continue
		}
		if change, ok := parsePayload(n.Payload, schema); ok {
			// Before the pages drop what they cached: a page rendered
			// after this must not come from a replica without the write,
			// and should come from one that has it.
			s.noteWrite(ctx, conn)
			s.reads.catchUp(ctx)
			onChange(change)
		}
	}
}

// parsePayload reads a notification: ok when it is about schema.
func parsePayload(payload, schema string) (news.Change, bool) {
	sch, what, _ := strings.Cut(payload, payloadSep)
	if payload != "" && sch != schema {
		return news.Change{}, false
	}
	if id, ok := strings.CutPrefix(what, relatedPrefix); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			return news.Change{Related: []int64{n}}, true
		}
	}
	if id, ok := strings.CutPrefix(what, mediaPrefix); ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			return news.Change{Media: []int64{n}}, true
		}
	}
	return news.Change{All: true}, true
}
