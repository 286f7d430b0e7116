package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sahafa/news"
)

var _ news.CommentStore = (*Store)(nil)

const commentColumns = `c.id, c.article_id, c.external_id, c.parent_id, c.author, c.author_email, c.author_url,
	c.at, c.text, c.status, COALESCE(c.user_id, 0)`

func scanComment(sc interface{ Scan(...any) error }, extra ...any) (news.Comment, error) {
	var c news.Comment
	var at int64
	dst := append([]any{&c.ID, &c.ArticleID, &c.ExternalID, &c.ParentID, &c.Author, &c.AuthorEmail, &c.AuthorURL,
		&at, &c.Text, &c.Status, &c.UserID}, extra...)
	err := sc.Scan(dst...)
	c.At = fromUnix(at)
	return c, err
}

// ArticleComments returns an article's approved comments and its own mode.
func (s *Store) ArticleComments(ctx context.Context, articleID int64) ([]news.Comment, news.CommentMode, error) {
	const op = "list an article's comments"
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, "", wrapErr(op, err)
	}
	defer tx.Rollback()
	var mode news.CommentMode
	err = tx.QueryRowContext(ctx, `SELECT mode FROM comment_modes WHERE article_id = ?`, articleID).Scan(&mode)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", wrapErr(op, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+commentColumns+` FROM comments c
		WHERE c.article_id = ? AND c.status = 'approved' ORDER BY c.at, c.id`, articleID)
	if err != nil {
		return nil, "", wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, "", wrapErr(op, err)
		}
		out = append(out, c)
	}
	return out, mode, wrapErr(op, rows.Err())
}

// CommentCounts counts the approved comments of the given articles.
func (s *Store) CommentCounts(ctx context.Context, articleIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(articleIDs))
	if len(articleIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(articleIDs))
	for i, id := range articleIDs {
		args[i] = id
	}
	err := countRows(ctx, s.r, out, `SELECT article_id, count(*) FROM comments
		WHERE status = 'approved' AND article_id IN (?`+strings.Repeat(", ?", len(args)-1)+`) GROUP BY article_id`, args...)
	return out, wrapErr("count comments", err)
}

// AddComment stores a new comment; an approved one changes its article's
// page (and that page alone).
func (s *Store) AddComment(ctx context.Context, c news.Comment) (news.Comment, error) {
	const op = "add a comment"
	if err := news.CheckNewComment(c); err != nil {
		return news.Comment{}, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.Comment{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE id = ?`, c.ArticleID).Scan(&exists); err != nil {
		return news.Comment{}, wrapErr(op, err)
	}
	if exists == 0 {
		return news.Comment{}, news.Errorf(news.ENOTFOUND, "article %d not found", c.ArticleID)
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	c.At = c.At.UTC().Truncate(time.Second)
	err = tx.QueryRowContext(ctx, `INSERT INTO comments (article_id, external_id, parent_id, author, author_email, author_url,
		at, text, status, user_id) VALUES (?, '', ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0)) RETURNING id`,
		c.ArticleID, c.ParentID, c.Author, c.AuthorEmail, c.AuthorURL, c.At.Unix(), c.Text, c.Status, c.UserID).Scan(&c.ID)
	if err != nil {
		return news.Comment{}, wrapErr(op, err)
	}
	c.ExternalID = news.LocalCommentKey(c.ID)
	if _, err := tx.ExecContext(ctx, `UPDATE comments SET external_id = ? WHERE id = ?`, c.ExternalID, c.ID); err != nil {
		return news.Comment{}, wrapErr(op, err)
	}
	if c.Status == news.CommentApproved {
		if err := ownPageChanged(ctx, tx, c.ArticleID); err != nil {
			return news.Comment{}, wrapErr(op, err)
		}
	}
	return c, wrapErr(op, tx.Commit())
}

// Comment returns one comment.
func (s *Store) Comment(ctx context.Context, id int64) (news.Comment, error) {
	c, err := scanComment(s.r.QueryRowContext(ctx, `SELECT `+commentColumns+` FROM comments c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Comment{}, news.Errorf(news.ENOTFOUND, "comment %d not found", id)
	}
	return c, wrapErr("read a comment", err)
}

// CommentQueue lists comments newest first, with their articles' titles.
func (s *Store) CommentQueue(ctx context.Context, f news.CommentFilter) (news.CommentList, error) {
	const op = "list comments"
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "c.status = ?"), append(args, f.Status)
	}
	if f.ArticleID > 0 {
		where, args = append(where, "c.article_id = ?"), append(args, f.ArticleID)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > news.MaxListLimit {
		limit = news.MaxListLimit
	}
	tx, err := s.readTx(ctx)
	if err != nil {
		return news.CommentList{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	var list news.CommentList
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM comments c`+cond, args...).Scan(&list.Total); err != nil {
		return news.CommentList{}, wrapErr(op, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+commentColumns+`, a.title FROM comments c JOIN articles a ON a.id = c.article_id`+
		cond+` ORDER BY c.at DESC, c.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return news.CommentList{}, wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var q news.QueuedComment
		if q.Comment, err = scanComment(rows, &q.ArticleTitle); err != nil {
			return news.CommentList{}, wrapErr(op, err)
		}
		list.Comments = append(list.Comments, q)
	}
	return list, wrapErr(op, rows.Err())
}

// CommentStatusCounts counts the comments of each status.
func (s *Store) CommentStatusCounts(ctx context.Context) (map[news.CommentStatus]int, error) {
	out := map[news.CommentStatus]int{}
	return out, wrapErr("count comments", countRows(ctx, s.r, out, `SELECT status, count(*) FROM comments GROUP BY status`))
}

// SetCommentStatus moves comments to st; the pages of the articles where
// an approved comment came or went change.
func (s *Store) SetCommentStatus(ctx context.Context, ids []int64, st news.CommentStatus) ([]int64, error) {
	const op = "moderate comments"
	if !st.Valid() {
		return nil, news.Errorf(news.EINVALID, "unknown comment status %q", st)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer tx.Rollback()
	changed := map[int64]bool{}
	var articles []int64
	for _, id := range ids {
		var article int64
		var was news.CommentStatus
		err := tx.QueryRowContext(ctx, `SELECT article_id, status FROM comments WHERE id = ?`, id).Scan(&article, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, news.Errorf(news.ENOTFOUND, "comment %d not found", id)
		}
		if err != nil {
			return nil, wrapErr(op, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE comments SET status = ? WHERE id = ?`, st, id); err != nil {
			return nil, wrapErr(op, err)
		}
		if (was == news.CommentApproved) != (st == news.CommentApproved) && !changed[article] {
			changed[article] = true
			articles = append(articles, article)
		}
	}
	for _, a := range articles {
		if err := ownPageChanged(ctx, tx, a); err != nil {
			return nil, wrapErr(op, err)
		}
	}
	return articles, wrapErr(op, tx.Commit())
}

// SetCommentMode sets an article's own comment mode ("" follows the
// site's).
func (s *Store) SetCommentMode(ctx context.Context, articleID int64, mode news.CommentMode) error {
	const op = "set an article's comment mode"
	if !mode.Valid() {
		return news.Errorf(news.EINVALID, "unknown comment mode %q", mode)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE id = ?`, articleID).Scan(&exists); err != nil {
		return wrapErr(op, err)
	}
	if exists == 0 {
		return news.Errorf(news.ENOTFOUND, "article %d not found", articleID)
	}
	if mode == news.CommentsSiteDefault {
		_, err = tx.ExecContext(ctx, `DELETE FROM comment_modes WHERE article_id = ?`, articleID)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO comment_modes (article_id, mode) VALUES (?, ?)
			ON CONFLICT (article_id) DO UPDATE SET mode = excluded.mode`, articleID, mode)
	}
	if err != nil {
		return wrapErr(op, err)
	}
	if err := ownPageChanged(ctx, tx, articleID); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

// KnownCommenter reports whether an approved comment carries email.
func (s *Store) KnownCommenter(ctx context.Context, email string) (bool, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return false, nil
	}
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM comments
		WHERE lower(author_email) = lower(?) AND status = 'approved' AND author_email <> '' LIMIT 1)`, email).Scan(&n)
	return n > 0, wrapErr("look up a commenter", err)
}
