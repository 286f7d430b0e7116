package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sahafa/news"
)

const mediaColumns = `id, created_at, COALESCE(user_id, 0), alt, caption, credit, format, width, height, variants,
	framing, crops, state, problem, deleted_at`

func scanMedia(row pgx.Row) (news.Media, error) {
	var m news.Media
	var variants []byte
	var framing, crops, state string
	var deleted *time.Time
	if err := row.Scan(&m.ID, &m.CreatedAt, &m.UserID, &m.Alt, &m.Caption, &m.Credit, &m.Format, &m.Width, &m.Height,
		&variants, &framing, &crops, &state, &m.Problem, &deleted); err != nil {
		return news.Media{}, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	m.State = news.MediaState(state)
	if deleted != nil {
		m.DeletedAt = deleted.UTC()
	}
	if err := news.DecodeFraming(framing, crops, &m); err != nil {
		return news.Media{}, err
	}
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
	keys := make([]string, len(files))
	for i, f := range files {
		keys[i] = f.ObjectKey
		m.Variants[i] = f.MediaVariant
		m.Variants[i].Size = f.StoredSize()
		widths[i], heights[i] = f.Width, f.Height
		types[i], exts[i], data[i] = f.ContentType, f.Ext, blob(f.Data)
	}
	variants, err := json.Marshal(m.Variants)
	if err != nil {
		return news.Media{}, fmt.Errorf("encode variants: %w", err)
	}
	// A new image is on no page yet: no page changes.
	err = s.inTx(ctx, "save media", pgx.TxOptions{}, noNotify, func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO media (created_at, user_id, alt, caption, credit, format, width, height, variants)
			VALUES ($1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING id`, m.CreatedAt, m.UserID,
			m.Alt, m.Caption, m.Credit, m.Format, m.Width, m.Height, string(variants)).Scan(&m.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO media_files (media_id, width, height, content_type, ext, data, object_key)
			SELECT $1, f.* FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::bytea[], $7::text[]) AS f`,
			m.ID, widths, heights, types, exts, data, keys)
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
	err := s.read(ctx, "get media", func(ctx context.Context, c querier) error {
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

// MediaByIDs returns the images of ids that exist.
func (s *Store) MediaByIDs(ctx context.Context, ids []int64) ([]news.Media, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > news.MaxListLimit {
		ids = ids[:news.MaxListLimit]
	}
	var out []news.Media
	err := s.read(ctx, "get media", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (news.Media, error) { return scanMedia(row) })
		return err
	})
	return out, err
}

// MediaList returns a page of the library, newest first.
func (s *Store) MediaList(ctx context.Context, f news.MediaFilter) (news.MediaList, error) {
	var p params
	where, order := " WHERE deleted_at IS NULL", "id DESC"
	if f.Trash {
		where, order = " WHERE deleted_at IS NOT NULL", "deleted_at DESC, id DESC"
	}
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
		rows, err := tx.Query(ctx, `SELECT `+mediaColumns+` FROM media`+where+` ORDER BY `+order+` LIMIT `+
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
	err := s.read(ctx, "get media file", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT width, height, content_type, ext, data, object_key FROM media_files
			WHERE media_id = $1 AND width = $2`, id, width).Scan(&f.Width, &f.Height, &f.ContentType, &f.Ext, &f.Data, &f.ObjectKey)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "image %d has no variant %d px wide", id, width)
		}
		return err
	})
	if err != nil {
		return news.MediaFile{}, err
	}
	if f.ObjectKey == "" {
		f.Size = len(f.Data)
	}
	return f, nil
}

// SaveUpload stores an upload, pending, with its bytes.
func (s *Store) SaveUpload(ctx context.Context, m news.Media, source []byte) (news.Media, error) {
	if err := news.CheckMedia(m, nil); err != nil {
		return news.Media{}, err
	}
	if len(source) == 0 {
		return news.Media{}, news.Errorf(news.EINVALID, "upload is empty")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = second(m.CreatedAt)
	m.State, m.Variants = news.MediaPending, nil
	err := s.inTx(ctx, "save upload", pgx.TxOptions{}, noNotify, func(ctx context.Context, tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO media (created_at, user_id, alt, caption, credit, format, width, height, variants, state)
			VALUES ($1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $7, $8, '[]'::jsonb, 'pending') RETURNING id`, m.CreatedAt, m.UserID,
			m.Alt, m.Caption, m.Credit, m.Format, m.Width, m.Height).Scan(&m.ID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO media_sources (media_id, data) VALUES ($1, $2)`, m.ID, source)
		return err
	})
	if err != nil {
		return news.Media{}, err
	}
	return m, nil
}

// PendingMedia lists the uploads still to process, oldest first.
func (s *Store) PendingMedia(ctx context.Context, limit int) ([]int64, error) {
	var ids []int64
	err := s.query(ctx, "list pending uploads", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id FROM media WHERE state = 'pending' ORDER BY id LIMIT $1`, max(limit, 1))
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return ids, err
}

// UncroppedMedia lists processed images without crops, oldest first.
func (s *Store) UncroppedMedia(ctx context.Context, limit int) ([]int64, error) {
	var ids []int64
	err := s.query(ctx, "list images without crops", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id FROM media WHERE state = '' AND crops = '[]' AND variants <> '[]'::jsonb
			AND deleted_at IS NULL ORDER BY id LIMIT $1`, max(limit, 1))
		if err != nil {
			return err
		}
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return ids, err
}

// MediaSource returns the bytes of a pending upload.
func (s *Store) MediaSource(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.query(ctx, "get upload", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT data FROM media_sources WHERE media_id = $1`, id).Scan(&data)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "image %d has no upload waiting", id)
		}
		return err
	})
	return data, err
}

// FinishMedia stores what processing an upload made.
func (s *Store) FinishMedia(ctx context.Context, m news.Media, files []news.MediaFile, crops []news.MediaCropFile) error {
	if m.State == news.MediaReady {
		if err := news.CheckMedia(news.Media{Alt: "-"}, files); err != nil {
			return err
		}
		if err := news.CheckCropFiles(crops); err != nil {
			return err
		}
	}
	variants, cropList, err := news.MediaLists(files, crops)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "finish upload", pgx.TxOptions{}, mediaPage(m.ID), func(ctx context.Context, tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `UPDATE media SET state = $1, problem = $2, format = CASE WHEN $3 <> '' THEN $3 ELSE format END,
			width = CASE WHEN $4::int > 0 THEN $4 ELSE width END, height = CASE WHEN $5::int > 0 THEN $5 ELSE height END,
			variants = $6::jsonb, crops = $7 WHERE id = $8 AND state = 'pending'`,
			string(m.State), m.Problem, m.Format, m.Width, m.Height, variants, cropList, m.ID)
		if err != nil {
			return err
		}
		if ct.RowsAffected() == 0 {
			return news.Errorf(news.ECONFLICT, "image %d is not waiting to be processed", m.ID)
		}
		if err := insertMediaFiles(ctx, tx, m.ID, files, crops); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM media_sources WHERE media_id = $1`, m.ID)
		return err
	})
}

func insertMediaFiles(ctx context.Context, tx pgx.Tx, id int64, files []news.MediaFile, crops []news.MediaCropFile) error {
	for _, f := range files {
		if _, err := tx.Exec(ctx, `INSERT INTO media_files (media_id, width, height, content_type, ext, data, object_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, f.Width, f.Height, f.ContentType, f.Ext, blob(f.Data), f.ObjectKey); err != nil {
			return err
		}
	}
	for _, c := range crops {
		if _, err := tx.Exec(ctx, `INSERT INTO media_crops (media_id, ratio, width, height, content_type, ext, data, object_key)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, c.Ratio, c.Width, c.Height, c.ContentType, c.Ext, blob(c.Data), c.ObjectKey); err != nil {
			return err
		}
	}
	return nil
}

// SaveCrops replaces an image's framing and crops.
func (s *Store) SaveCrops(ctx context.Context, id int64, f news.Framing, crops []news.MediaCropFile) (news.Media, error) {
	if err := news.CheckFraming(f); err != nil {
		return news.Media{}, err
	}
	if err := news.CheckCropFiles(crops); err != nil {
		return news.Media{}, err
	}
	_, cropList, err := news.MediaLists(nil, crops)
	if err != nil {
		return news.Media{}, err
	}
	var m news.Media
	err = s.inTx(ctx, "save crops", pgx.TxOptions{}, mediaPage(id), func(ctx context.Context, tx pgx.Tx) error {
		var stored string
		err := tx.QueryRow(ctx, `SELECT framing FROM media WHERE id = $1 FOR UPDATE`, id).Scan(&stored)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "image %d not found", id)
		}
		if err != nil {
			return err
		}
		var cur news.Media
		if err := news.DecodeFraming(stored, "", &cur); err != nil {
			return err
		}
		f.Version = cur.Framing.Version + 1
		framing, err := news.EncodeFraming(f)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE media SET framing = $1, crops = $2 WHERE id = $3`, framing, cropList, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM media_crops WHERE media_id = $1`, id); err != nil {
			return err
		}
		if err := insertMediaFiles(ctx, tx, id, nil, crops); err != nil {
			return err
		}
		m, err = scanMedia(tx.QueryRow(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = $1`, id))
		return err
	})
	if err != nil {
		return news.Media{}, err
	}
	return m, nil
}

// MediaCropFile returns one size of one crop.
func (s *Store) MediaCropFile(ctx context.Context, id int64, ratio string, width int) (news.MediaFile, error) {
	var f news.MediaFile
	err := s.read(ctx, "get crop", func(ctx context.Context, c querier) error {
		err := c.QueryRow(ctx, `SELECT width, height, content_type, ext, data, object_key FROM media_crops
			WHERE media_id = $1 AND ratio = $2 AND width = $3`, id, ratio, width).Scan(&f.Width, &f.Height, &f.ContentType, &f.Ext, &f.Data, &f.ObjectKey)
		if isNoRows(err) {
			return news.Errorf(news.ENOTFOUND, "image %d has no %s crop %d px wide", id, ratio, width)
		}
		return err
	})
	if err != nil {
		return news.MediaFile{}, err
	}
	if f.ObjectKey == "" {
		f.Size = len(f.Data)
	}
	return f, nil
}

// MediaUse counts the articles that show an image.
func (s *Store) MediaUse(ctx context.Context, id int64) (int, error) {
	var n int
	lead, body := news.MediaUsePatterns(id)
	err := s.query(ctx, "count uses of an image", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT count(*) FROM articles WHERE image LIKE $1 OR image LIKE $2
			OR body LIKE $3 OR body LIKE $4`, lead[0], lead[1], body[0], body[1]).Scan(&n)
	})
	return n, err
}

// TrashMedia puts an image in the trash, or takes it out.
func (s *Store) TrashMedia(ctx context.Context, id int64, at time.Time) error {
	var v *time.Time
	if !at.IsZero() {
		t := second(at)
		v = &t
	}
	return s.writeTx(ctx, "trash image", func(ctx context.Context, tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `UPDATE media SET deleted_at = $1 WHERE id = $2`, v, id)
		if err == nil && ct.RowsAffected() == 0 {
			err = news.Errorf(news.ENOTFOUND, "image %d not found", id)
		}
		return err
	})
}

// PurgeMedia deletes trashed images with their files.
func (s *Store) PurgeMedia(ctx context.Context, ids []int64, before time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var n int
	err := s.writeTx(ctx, "purge images", func(ctx context.Context, tx pgx.Tx) error {
		ct, err := tx.Exec(ctx, `DELETE FROM media WHERE deleted_at IS NOT NULL AND deleted_at <= $1 AND id = ANY($2)`, before, ids)
		n = int(ct.RowsAffected())
		return err
	})
	return n, err
}

// blob keeps an empty file's data an empty bytea, not NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// MoveMediaFile records where one variant's or crop's bytes are. No page
// changes: the bytes are the same.
func (s *Store) MoveMediaFile(ctx context.Context, id int64, ratio string, width int, key string, data []byte) error {
	return s.inTx(ctx, "move media file", pgx.TxOptions{}, noNotify, func(ctx context.Context, tx pgx.Tx) error {
		var tag pgconn.CommandTag
		var err error
		if ratio == "" {
			tag, err = tx.Exec(ctx, `UPDATE media_files SET object_key = $1, data = $2 WHERE media_id = $3 AND width = $4`,
				key, blob(data), id, width)
		} else {
			tag, err = tx.Exec(ctx, `UPDATE media_crops SET object_key = $1, data = $2 WHERE media_id = $3 AND ratio = $4 AND width = $5`,
				key, blob(data), id, ratio, width)
		}
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "image %d has no file %q %d px wide", id, ratio, width)
		}
		return nil
	})
}
