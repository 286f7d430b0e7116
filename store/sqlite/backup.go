package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Backup writes a consistent copy of the database to path with VACUUM
// INTO: a read transaction, so the site goes on serving and writing
// meanwhile, and the copy is compacted and ready to open as it is (stop
// the server, put it in place of sahafa.db, start again). It runs on a
// connection of its own, outside both pools: the readers are query-only
// and the writer must stay free.
func (s *Store) Backup(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dsnWith(s.path, pragmaParams(connPragmas...)))
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return wrapErr("backup", err)
	}
	return nil
}
