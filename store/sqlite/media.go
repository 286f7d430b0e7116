package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"sahafa/news"
)

const mediaColumns = `id, created_at, COALESCE(user_id, 0), alt, caption, credit, format, width, height, variants`

func scanMedia(sc scanner) (news.Media, error) {
	var m news.Media
	var created int64
	var variants string
	if err := sc.Scan(&m.ID, &created, &m.UserID, &m.Alt, &m.Caption, &m.Credit, &m.Format, &m.Width, &m.Height, &variants); err != nil {
		return news.Media{}, err
	}
	m.CreatedAt = fromUnix(created)
	if err := json.Unmarshal([]byte(variants), &m.Variants); err != nil {
		return news.Media{}, fmt.Errorf("media %d: variants: %w", m.ID, err)
	}
	return m, nil
}

// SaveMedia stores an image and its variants in one transaction.
func (s *Store) SaveMedia(ctx context.Context, m news.Media, files []news.MediaFile) (news.Media, error) {
	const op = "save media"
	if err := news.CheckMedia(m, files); err != nil {
		return news.Media{}, err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Second)
	m.Variants = make([]news.MediaVariant, len(files))
	for i, f := range files {
		m.Variants[i] = f.MediaVariant
		m.Variants[i].Size = len(f.Data)
	}
	variants, err := json.Marshal(m.Variants)
	if err != nil {
		return news.Media{}, fmt.Errorf("encode variants: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO media (created_at, user_id, alt, caption, credit, format, width, height, variants)
		VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.CreatedAt.Unix(), m.UserID, m.Alt, m.Caption,
		m.Credit, m.Format, m.Width, m.Height, string(variants)).Scan(&m.ID)
	if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_files (media_id, width, height, content_type, ext, data)
			VALUES (?, ?, ?, ?, ?, ?)`, m.ID, f.Width, f.Height, f.ContentType, f.Ext, f.Data); err != nil {
			return news.Media{}, wrapErr(op, err)
		}
	}
	return m, wrapErr(op, tx.Commit())
}

// Media returns one image's record.
func (s *Store) Media(ctx context.Context, id int64) (news.Media, error) {
	m, err := scanMedia(s.read().QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.Media{}, news.Errorf(news.ENOTFOUND, "image %d not found", id)
	}
	return m, wrapErr("get media", err)
}

// MediaList returns a page of the library, newest first.
func (s *Store) MediaList(ctx context.Context, f news.MediaFilter) (news.MediaList, error) {
	const op = "list media"
	where, args := " WHERE 1 = 1", []any{}
	if f.UserID > 0 {
		where, args = where+" AND user_id = ?", append(args, f.UserID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		pat := news.LikePattern(q)
		where += ` AND (alt LIKE ? ESCAPE '\' OR caption LIKE ? ESCAPE '\' OR credit LIKE ? ESCAPE '\')`
		args = append(args, pat, pat, pat)
	}
	var out news.MediaList
	if err := s.read().QueryRowContext(ctx, `SELECT count(*) FROM media`+where, args...).Scan(&out.Total); err != nil {
		return news.MediaList{}, wrapErr(op, err)
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+mediaColumns+` FROM media`+where+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, listLimit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return news.MediaList{}, wrapErr(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return news.MediaList{}, wrapErr(op, err)
		}
		out.Media = append(out.Media, m)
	}
	return out, wrapErr(op, rows.Err())
}

// UpdateMedia saves an image's alt text, caption and credit.
func (s *Store) UpdateMedia(ctx context.Context, m news.Media) error {
	if err := news.CheckMedia(m, nil); err != nil {
		return err
	}
	res, err := s.w.ExecContext(ctx, `UPDATE media SET alt = ?, caption = ?, credit = ? WHERE id = ?`,
		m.Alt, m.Caption, m.Credit, m.ID)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ENOTFOUND, "image %d not found", m.ID))
	}
	return wrapErr("update media", err)
}

// MediaFile returns the bytes of one variant.
func (s *Store) MediaFile(ctx context.Context, id int64, width int) (news.MediaFile, error) {
	var f news.MediaFile
	err := s.read().QueryRowContext(ctx, `SELECT width, height, content_type, ext, data FROM media_files
		WHERE media_id = ? AND width = ?`, id, width).Scan(&f.Width, &f.Height, &f.ContentType, &f.Ext, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return news.MediaFile{}, news.Errorf(news.ENOTFOUND, "image %d has no variant %d px wide", id, width)
	}
	f.Size = len(f.Data)
	return f, wrapErr("get media file", err)
}
