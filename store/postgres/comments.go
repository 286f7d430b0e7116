package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

var _ news.CommentStore = (*Store)(nil)

const commentColumns = `c.id, c.article_id, c.external_id, c.parent_id, c.author, c.author_email, c.author_url,
	c.at, c.text, c.status, COALESCE(c.user_id, 0)`

func scanComment(row pgx.Row, extra ...any) (news.Comment, error) {
	var c news.Comment
	dst := append([]any{&c.ID, &c.ArticleID, &c.ExternalID, &c.ParentID, &c.Author, &c.AuthorEmail, &c.AuthorURL,
		&c.At, &c.Text, &c.Status, &c.UserID}, extra...)
	err := row.Scan(dst...)
	c.At = c.At.UTC()
	return c, err
}

// ArticleComments returns an article's approved comments and its own mode.
func (s *Store) ArticleComments(ctx context.Context, articleID int64) ([]news.Comment, news.CommentMode, error) {
	var out []news.Comment
	var mode news.CommentMode
	err := s.read(ctx, "list an article's comments", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT mode FROM comment_modes WHERE article_id = $1`, articleID).Scan(&mode)
		if err != nil && !isNoRows(err) {
			return err
		}
		rows, err := c.Query(ctx, `SELECT `+commentColumns+` FROM comments c
			WHERE c.article_id = $1 AND c.status = 'approved' ORDER BY c.at, c.id`, articleID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			cm, err := scanComment(rows)
			if err != nil {
				return err
			}
			out = append(out, cm)
		}
		return rows.Err()
	})
	return out, mode, err
}

// CommentCounts counts the approved comments of the given articles.
func (s *Store) CommentCounts(ctx context.Context, articleIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(articleIDs))
	if len(articleIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, "count comments", func(ctx context.Context, c querier) error {
		return countRows(ctx, c, out, `SELECT article_id, count(*) FROM comments
			WHERE status = 'approved' AND article_id = ANY($1) GROUP BY article_id`, articleIDs)
	})
	return out, err
}

// AddComment stores a new comment; an approved one changes its article's
// page alone.
func (s *Store) AddComment(ctx context.Context, c news.Comment) (news.Comment, error) {
	if err := news.CheckNewComment(c); err != nil {
		return news.Comment{}, err
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	c.At = second(c.At)
	notify := noNotify
	if c.Status == news.CommentApproved {
		notify = ownPage(c.ArticleID)
	}
	err := s.inTx(ctx, "add a comment", pgx.TxOptions{}, notify, func(ctx context.Context, tx pgx.Tx) error {
		var found int64
		err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE id = $1 FOR SHARE`, c.ArticleID).Scan(&found)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", c.ArticleID)
		}
		if err != nil {
			return err
		}
		// The id is known before the row is written, so that the row
		// carries its ExternalID from the start.
		if err := tx.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('comments', 'id'))`).Scan(&c.ID); err != nil {
			return err
		}
		c.ExternalID = news.LocalCommentKey(c.ID)
		_, err = tx.Exec(ctx, `INSERT INTO comments (id, article_id, external_id, parent_id, author, author_email, author_url,
			at, text, status, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11::bigint, 0))`,
			c.ID, c.ArticleID, c.ExternalID, c.ParentID, c.Author, c.AuthorEmail, c.AuthorURL, c.At, c.Text, string(c.Status), c.UserID)
		return err
	})
	if err != nil {
		return news.Comment{}, err
	}
	return c, nil
}

// Comment returns one comment.
func (s *Store) Comment(ctx context.Context, id int64) (news.Comment, error) {
	var c news.Comment
	err := s.query(ctx, "read a comment", func(ctx context.Context, q querier) error {
		var err error
		c, err = scanComment(q.QueryRow(ctx, `SELECT `+commentColumns+` FROM comments c WHERE c.id = $1`, id))
		return err
	})
	if isNoRows(err) {
		return news.Comment{}, news.Errorf(news.ENOTFOUND, "comment %d not found", id)
	}
	return c, err
}

// CommentQueue lists comments newest first, with their articles' titles.
func (s *Store) CommentQueue(ctx context.Context, f news.CommentFilter) (news.CommentList, error) {
	var where []string
	var args []any
	if f.Status != "" {
		args = append(args, string(f.Status))
		where = append(where, "c.status = $"+strconv.Itoa(len(args)))
	}
	if f.ArticleID > 0 {
		args = append(args, f.ArticleID)
		where = append(where, "c.article_id = $"+strconv.Itoa(len(args)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > news.MaxListLimit {
		limit = news.MaxListLimit
	}
	var list news.CommentList
	err := s.query(ctx, "list comments", func(ctx context.Context, q querier) error {
		if err := q.QueryRow(ctx, `SELECT count(*) FROM comments c`+cond, args...).Scan(&list.Total); err != nil {
			return err
		}
		n := len(args)
		rows, err := q.Query(ctx, `SELECT `+commentColumns+`, a.title FROM comments c JOIN articles a ON a.id = c.article_id`+
			cond+` ORDER BY c.at DESC, c.id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2),
			append(args, limit, max(f.Offset, 0))...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var qc news.QueuedComment
			if qc.Comment, err = scanComment(rows, &qc.ArticleTitle); err != nil {
				return err
			}
			list.Comments = append(list.Comments, qc)
		}
		return rows.Err()
	})
	return list, err
}

// CommentStatusCounts counts the comments of each status.
func (s *Store) CommentStatusCounts(ctx context.Context) (map[news.CommentStatus]int, error) {
	out := map[news.CommentStatus]int{}
	err := s.query(ctx, "count comments", func(ctx context.Context, q querier) error {
		return countRows(ctx, q, out, `SELECT status, count(*) FROM comments GROUP BY status`)
	})
	return out, err
}

// SetCommentStatus moves comments to st, notifying each article whose
// page changed (an approved comment came or went).
func (s *Store) SetCommentStatus(ctx context.Context, ids []int64, st news.CommentStatus) ([]int64, error) {
	if !st.Valid() {
		return nil, news.Errorf(news.EINVALID, "unknown comment status %q", st)
	}
	var articles []int64
	err := s.inTx(ctx, "moderate comments", pgx.TxOptions{}, noNotify, func(ctx context.Context, tx pgx.Tx) error {
		articles = articles[:0]
		changed := map[int64]bool{}
		for _, id := range ids {
			var article int64
			var was string
			err := tx.QueryRow(ctx, `SELECT article_id, status FROM comments WHERE id = $1 FOR UPDATE`, id).Scan(&article, &was)
			if isNoRows(err) {
				return news.Errorf(news.ENOTFOUND, "comment %d not found", id)
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE comments SET status = $2 WHERE id = $1`, id, string(st)); err != nil {
				return err
			}
			if (news.CommentStatus(was) == news.CommentApproved) != (st == news.CommentApproved) && !changed[article] {
				changed[article] = true
				articles = append(articles, article)
			}
		}
		// One notification per article, delivered at commit.
		for _, a := range articles {
			if _, err := tx.Exec(ctx, `SELECT pg_notify($1, current_schema() || $2)`, changesChannel, payloadSep+ownPage(a)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return articles, nil
}

// SetCommentMode sets an article's own comment mode ("" follows the
// site's).
func (s *Store) SetCommentMode(ctx context.Context, articleID int64, mode news.CommentMode) error {
	if !mode.Valid() {
		return news.Errorf(news.EINVALID, "unknown comment mode %q", mode)
	}
	return s.inTx(ctx, "set an article's comment mode", pgx.TxOptions{}, ownPage(articleID), func(ctx context.Context, tx pgx.Tx) error {
		var found int64
		err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE id = $1 FOR SHARE`, articleID).Scan(&found)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "article %d not found", articleID)
		}
		if err != nil {
			return err
		}
		if mode == news.CommentsSiteDefault {
			_, err = tx.Exec(ctx, `DELETE FROM comment_modes WHERE article_id = $1`, articleID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO comment_modes (article_id, mode) VALUES ($1, $2)
				ON CONFLICT (article_id) DO UPDATE SET mode = excluded.mode`, articleID, string(mode))
		}
		return err
	})
}

// KnownCommenter reports whether an approved comment carries email.
func (s *Store) KnownCommenter(ctx context.Context, email string) (bool, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return false, nil
	}
	var known bool
	err := s.query(ctx, "look up a commenter", func(ctx context.Context, q querier) error {
		return q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM comments
			WHERE lower(author_email) = lower($1) AND status = 'approved' AND author_email <> '')`, email).Scan(&known)
	})
	return known, err
}
