package sqlite

import (
	"context"

	"sahafa/news"
)

// PageComments returns a page's comments, oldest first.
func (s *Store) PageComments(ctx context.Context, pageID int64) ([]news.Comment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, external_id, parent_id, author, author_email, author_url, at, text, status
		FROM page_comments WHERE page_id = ? ORDER BY at, id`, pageID)
	if err != nil {
		return nil, wrapErr("list a page's comments", err)
	}
	defer rows.Close()
	var out []news.Comment
	for rows.Next() {
		var c news.Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.ExternalID, &c.ParentID, &c.Author, &c.AuthorEmail, &c.AuthorURL, &at, &c.Text, &c.Status); err != nil {
			return nil, wrapErr("list a page's comments", err)
		}
		c.At = fromUnix(at)
		out = append(out, c)
	}
	return out, wrapErr("list a page's comments", rows.Err())
}

// SavePageComments replaces a page's comments, all or none.
func (s *Store) SavePageComments(ctx context.Context, pageID int64, list []news.Comment) error {
	const op = "save a page's comments"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pages WHERE id = ?`, pageID).Scan(&n); err != nil {
		return wrapErr(op, err)
	}
	if n == 0 {
		return news.Errorf(news.ENOTFOUND, "page %d not found", pageID)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM page_comments WHERE page_id = ?`, pageID); err != nil {
		return wrapErr(op, err)
	}
	for _, c := range list {
		if _, err := tx.ExecContext(ctx, `INSERT INTO page_comments (page_id, external_id, parent_id, author, author_email, author_url, at, text, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, pageID, c.ExternalID, c.ParentID, c.Author, c.AuthorEmail, c.AuthorURL,
			c.At.Unix(), c.Text, c.Status.OrPending()); err != nil {
			return wrapErr(op, err)
		}
	}
	return wrapErr(op, tx.Commit())
}
