package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

const mediaColumns = `id, created_at, COALESCE(user_id, 0), alt, caption, credit, format, width, height, variants`

func scanMedia(row pgx.Row) (news.Media, error) {
	var m news.Media
	var variants []byte
	if err := row.Scan(&m.ID, &m.CreatedAt, &m.UserID, &m.Alt, &m.Caption, &m.Credit, &m.Format, &m.Width, &m.Height,
		&variants); err != nil {
		return news.Media{}, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	if err := json.Unmarshal(variants, &m.Variants); err != nil {
		return news.Media{}, fmt.Errorf("media %d: variants: %w", m.ID, err)
	}
	return m, nil
}

// SaveMedia stores an image's record and the bytes of its variants in one
// transaction and returns it with its id.
func (s *Store) SaveMedia(ctx context.Context, m news.Media, files []news.MediaFile) (news.Media, error) {
	if err := news.CheckMedia(m, files); err != nil {
		return news.Media{}, err
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = second(m.CreatedAt)
	m.Variants = make([]news.MediaVariant, len(files))
	widths := make([]int, len(files))
	heights := make([]int, len(files))
	types := make([]string, len(files))
	exts := make([]string, len(files))
	data := make([][]byte, len(files))
	for i, f := range files {
		m.Variants[i] = f.MediaVariant
		m.Variants[i].Size = len(f.Data)
		widths[i], heights[i] = f.Width, f.Height
		types[i], exts[i], data[i] = f.ContentType, f.Ext, f.Data
	}
	variants, err := json.Marshal(m.Variants)
	if err != nil {
		return news.Media{}, fmt.Errorf("encode variants: %w", err)
	}
	err = s.writeTx(ctx, "save media", func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO media (created_at, user_id, alt, caption, credit, format, width, height, variants)
			VALUES ($1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING id`, m.CreatedAt, m.UserID,
			m.Alt, m.Caption, m.Credit, m.Format, m.Width, m.Height, string(variants)).Scan(&m.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO media_files (media_id, width, height, content_type, ext, data)
			SELECT $1, f.* FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::bytea[]) AS f`,
			m.ID, widths, heights, types, exts, data)
		return err
	})
	if err != nil {
		return news.Media{}, err
	}
	return m, nil
}

// Media returns one image's record.
func (s *Store) Media(ctx context.Context, id int64) (news.Media, error) {
	var m news.Media
	err := s.query(ctx, "get media", func(ctx context.Context, c querier) error {
		var err error
		m, err = scanMedia(c.QueryRow(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = $1`, id))
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "image %d not found", id)
		}
		return err
	})
	if err != nil {
		return news.Media{}, err
	}
	return m, nil
}

// MediaList returns a page of the library, newest first.
func (s *Store) MediaList(ctx context.Context, f news.MediaFilter) (news.MediaList, error) {
	var p params
	where := " WHERE true"
	if f.UserID > 0 {
		where += " AND user_id = " + p.add(f.UserID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		pat := p.add(news.LikePattern(q))
		where += ` AND (alt ILIKE ` + pat + ` ESCAPE '\' OR caption ILIKE ` + pat + ` ESCAPE '\' OR credit ILIKE ` + pat + ` ESCAPE '\')`
	}
	var out news.MediaList
	err := s.readTx(ctx, "list media", func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM media`+where, p...).Scan(&out.Total); err != nil {
			return err
		}
		pp := append(params(nil), p...)
		rows, err := tx.Query(ctx, `SELECT `+mediaColumns+` FROM media`+where+` ORDER BY id DESC LIMIT `+
			pp.add(listLimit(f.Limit))+` OFFSET `+pp.add(max(f.Offset, 0)), pp...)
		if err != nil {
			return err
		}
		out.Media, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.Media, error) { return scanMedia(row) })
		return err
	})
	if err != nil {
		return news.MediaList{}, err
	}
	return out, nil
}

// UpdateMedia saves the alt text, caption and credit of an image; lead
// images show them, so it notifies like every content change.
func (s *Store) UpdateMedia(ctx context.Context, m news.Media) error {
	if err := news.CheckMedia(m, nil); err != nil {
		return err
	}
	return s.writeTx(ctx, "update media", func(ctx context.Context, tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `UPDATE media SET alt = $1, caption = $2, credit = $3 WHERE id = $4`,
			m.Alt, m.Caption, m.Credit, m.ID)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "image %d not found", m.ID)
		}
		return err
	})
}

// MediaFile returns the variant of the given width.
func (s *Store) MediaFile(ctx context.Context, id int64, width int) (news.MediaFile, error) {
	var f news.MediaFile
	err := s.query(ctx, "get media file", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT width, height, content_type, ext, data FROM media_files
			WHERE media_id = $1 AND width = $2`, id, width).Scan(&f.Width, &f.Height, &f.ContentType, &f.Ext, &f.Data)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "image %d has no variant %d px wide", id, width)
		}
		return err
	})
	if err != nil {
		return news.MediaFile{}, err
	}
	f.Size = len(f.Data)
	return f, nil
}
