package sqlite

import (
	"context"
	"time"
)

// watchInterval is how often WatchChanges polls; changes made by another
// process reach this one's readers within it.
const watchInterval = 500 * time.Millisecond

// WatchChanges polls PRAGMA data_version on one held reader connection.
// SQLite changes that number whenever another connection — in this
// process or another, such as "sahafa import" run beside the server —
// commits to the database, so it is a cheap, exact change signal.
func (s *Store) WatchChanges(ctx context.Context, onChange func()) {
	go func() {
		var last int64 = -1
		t := time.NewTicker(watchInterval)
		defer t.Stop()
		for {
			v, err := s.dataVersion(ctx)
			if err == nil {
				if last >= 0 && v != last {
					onChange()
				}
				last = v
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
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
