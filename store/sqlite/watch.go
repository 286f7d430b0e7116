package sqlite

import (
	"context"
	"database/sql"
	"time"

	"sahafa/news"
)

// watchInterval is how often WatchChanges polls; changes made by another
// process reach this one's readers within it.
const watchInterval = 500 * time.Millisecond

// maxRelatedChanges is how many rows of related_changes one poll reads;
// more than that is reported as a change of everything.
const maxRelatedChanges = 1000

// WatchChanges polls PRAGMA data_version on one held reader connection.
// SQLite changes that number whenever another connection — in this
// process or another, such as "sahafa import" run beside the server —
// commits to the database, so it is a cheap, exact signal that something
// was written. What was written comes from two tables the writes keep
// (migration 00005): content_version, which triggers bump on every write
// to a table pages are made of, and related_changes, the articles whose
// related list SetRelated stored. Sessions and sign-in attempts touch
// neither, so they drop nothing.
func (s *Store) WatchChanges(ctx context.Context, onChange func(news.Change)) {
	go func() {
		var last watchState
		started := false
		t := time.NewTicker(watchInterval)
		defer t.Stop()
		for {
			if v, err := s.dataVersion(ctx); err == nil && (!started || v != last.dataVersion) {
				next, change, err := s.readChanges(ctx, last, started)
				if err == nil {
					next.dataVersion = v
					if started && !change.Empty() {
						onChange(change)
					}
					last, started = next, true
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// watchState is what the watcher last saw.
type watchState struct {
	dataVersion   int64
	content       int64 // content_version.n
	relatedChange int64 // the last related_changes id
}

// readChanges reads the change tables on the watcher's connection and says
// what changed since last (nothing when this is the first read).
func (s *Store) readChanges(ctx context.Context, last watchState, started bool) (watchState, news.Change, error) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	var next watchState
	var change news.Change
	if s.watchConn == nil {
		return next, change, sql.ErrConnDone
	}
	tx, err := s.watchConn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return next, change, err
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT n FROM content_version WHERE id = 1`).Scan(&next.content); err != nil {
		return next, change, err
	}
	if !started {
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) FROM related_changes`).Scan(&next.relatedChange)
		return next, change, err
	}
	change.All = next.content != last.content
	next.relatedChange = last.relatedChange
	rows, err := tx.QueryContext(ctx, `SELECT id, article_id, COALESCE(media_id, 0) FROM related_changes WHERE id > ? ORDER BY id LIMIT ?`,
		last.relatedChange, maxRelatedChanges+1)
	if err != nil {
		return next, change, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id, article, media int64
		if err := rows.Scan(&id, &article, &media); err != nil {
			return next, change, err
		}
		if id != next.relatedChange+1 {
			change.All = true // rows were pruned before this watcher read them
		}
		next.relatedChange = id
		if n++; media != 0 {
			change.Media = append(change.Media, media)
		} else {
			change.Related = append(change.Related, article)
		}
	}
	if err := rows.Err(); err != nil {
		return next, change, err
	}
	if n > maxRelatedChanges {
		change.All = true
	}
	if change.All {
		change.Related, change.Media = nil, nil
	}
	return next, change, nil
}

// dataVersion reads data_version on a connection kept for this purpose
// (the value is per connection, so it must be the same one every time).
func (s *Store) dataVersion(ctx context.Context) (int64, error) {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.watchConn == nil {
		c, err := s.r.Conn(ctx)
		if err != nil {
			return 0, err
		}
		s.watchConn = c
	}
	var v int64
	if err := s.watchConn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
		s.watchConn.Close()
		s.watchConn = nil
		return 0, err
	}
	return v, nil
}
