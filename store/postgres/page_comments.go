package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// PageComments returns a page's comments, oldest first.
func (s *Store) PageComments(ctx context.Context, pageID int64) ([]news.Comment, error) {
	var out []news.Comment
	err := s.read(ctx, "list a page's comments", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id, external_id, parent_id, author, author_email, author_url, at, text, status
			FROM page_comments WHERE page_id = $1 ORDER BY at, id`, pageID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cm news.Comment
			var st string
			if err := rows.Scan(&cm.ID, &cm.ExternalID, &cm.ParentID, &cm.Author, &cm.AuthorEmail, &cm.AuthorURL, &cm.At, &cm.Text, &st); err != nil {
				return err
			}
			cm.At, cm.Status = cm.At.UTC(), news.CommentStatus(st)
			out = append(out, cm)
		}
		return rows.Err()
	})
	return out, err
}

// SavePageComments replaces a page's comments, all or none; the pages
// showing them change (every server is told).
func (s *Store) SavePageComments(ctx context.Context, pageID int64, list []news.Comment) error {
	return s.writeTx(ctx, "save a page's comments", func(ctx context.Context, tx pgx.Tx) error {
		var found int64
		err := tx.QueryRow(ctx, `SELECT id FROM pages WHERE id = $1 FOR UPDATE`, pageID).Scan(&found)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "page %d not found", pageID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM page_comments WHERE page_id = $1`, pageID); err != nil {
			return err
		}
		for _, c := range list {
			if _, err := tx.Exec(ctx, `INSERT INTO page_comments (page_id, external_id, parent_id, author, author_email, author_url, at, text, status)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, pageID, c.ExternalID, c.ParentID, c.Author, c.AuthorEmail, c.AuthorURL,
				second(c.At), c.Text, string(c.Status.OrPending())); err != nil {
				return err
			}
		}
		return nil
	})
}
