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

const mediaColumns = `id, created_at, COALESCE(user_id, 0), alt, caption, credit, format, width, height, variants,
	framing, crops, state, problem, COALESCE(deleted_at, 0)`

func scanMedia(sc scanner) (news.Media, error) {
	var m news.Media
	var created, deleted int64
	var variants, framing, crops, state string
	if err := sc.Scan(&m.ID, &created, &m.UserID, &m.Alt, &m.Caption, &m.Credit, &m.Format, &m.Width, &m.Height, &variants,
		&framing, &crops, &state, &m.Problem, &deleted); err != nil {
		return news.Media{}, err
	}
	m.CreatedAt = fromUnix(created)
	m.State = news.MediaState(state)
	if deleted != 0 {
		m.DeletedAt = fromUnix(deleted)
	}
	if err := json.Unmarshal([]byte(variants), &m.Variants); err != nil {
		return news.Media{}, fmt.Errorf("media %d: variants: %w", m.ID, err)
	}
	if err := news.DecodeFraming(framing, crops, &m); err != nil {
		return news.Media{}, err
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
		m.Variants[i].Size = f.StoredSize()
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
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_files (media_id, width, height, content_type, ext, data, object_key)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, f.Width, f.Height, f.ContentType, f.Ext, blob(f.Data), f.ObjectKey); err != nil {
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

// MediaByIDs returns the images of ids that exist.
func (s *Store) MediaByIDs(ctx context.Context, ids []int64) ([]news.Media, error) {
	const op = "get media"
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > news.MaxListLimit {
		ids = ids[:news.MaxListLimit]
	}
	in, args := idList(nil, ids)
	rows, err := s.read().QueryContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, m)
	}
	return out, wrapErr(op, rows.Err())
}

// MediaList returns a page of the library, newest first.
func (s *Store) MediaList(ctx context.Context, f news.MediaFilter) (news.MediaList, error) {
	const op = "list media"
	where, args := " WHERE deleted_at IS NULL", []any{}
	order := "id DESC"
	if f.Trash {
		where, order = " WHERE deleted_at IS NOT NULL", "deleted_at DESC, id DESC"
	}
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
	rows, err := s.read().QueryContext(ctx, `SELECT `+mediaColumns+` FROM media`+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
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
	err := s.read().QueryRowContext(ctx, `SELECT width, height, content_type, ext, data, object_key FROM media_files
		WHERE media_id = ? AND width = ?`, id, width).Scan(&f.Width, &f.Height, &f.ContentType, &f.Ext, &f.Data, &f.ObjectKey)
	if errors.Is(err, sql.ErrNoRows) {
		return news.MediaFile{}, news.Errorf(news.ENOTFOUND, "image %d has no variant %d px wide", id, width)
	}
	if f.ObjectKey == "" {
		f.Size = len(f.Data)
	}
	return f, wrapErr("get media file", err)
}

// SaveUpload stores an upload, pending, with its bytes.
func (s *Store) SaveUpload(ctx context.Context, m news.Media, source []byte) (news.Media, error) {
	const op = "save upload"
	if err := news.CheckMedia(m, nil); err != nil {
		return news.Media{}, err
	}
	if len(source) == 0 {
		return news.Media{}, news.Errorf(news.EINVALID, "upload is empty")
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Second)
	m.State, m.Variants = news.MediaPending, nil
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	err = tx.QueryRowContext(ctx, `INSERT INTO media (created_at, user_id, alt, caption, credit, format, width, height, variants, state)
		VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, '[]', 'pending') RETURNING id`, m.CreatedAt.Unix(), m.UserID, m.Alt, m.Caption,
		m.Credit, m.Format, m.Width, m.Height).Scan(&m.ID)
	if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO media_sources (media_id, data) VALUES (?, ?)`, m.ID, source); err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	return m, wrapErr(op, tx.Commit())
}

// PendingMedia lists the uploads still to process, oldest first.
func (s *Store) PendingMedia(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT id FROM media WHERE state = 'pending' ORDER BY id LIMIT ?`, max(limit, 1))
	if err != nil {
		return nil, wrapErr("list pending uploads", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrapErr("list pending uploads", err)
		}
		ids = append(ids, id)
	}
	return ids, wrapErr("list pending uploads", rows.Err())
}

// UncroppedMedia lists processed images without crops, oldest first.
func (s *Store) UncroppedMedia(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT id FROM media WHERE state = '' AND crops = '[]' AND variants <> '[]'
		AND deleted_at IS NULL ORDER BY id LIMIT ?`, max(limit, 1))
	if err != nil {
		return nil, wrapErr("list images without crops", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrapErr("list images without crops", err)
		}
		ids = append(ids, id)
	}
	return ids, wrapErr("list images without crops", rows.Err())
}

// MediaSource returns the bytes of a pending upload.
func (s *Store) MediaSource(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.read().QueryRowContext(ctx, `SELECT data FROM media_sources WHERE media_id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, news.Errorf(news.ENOTFOUND, "image %d has no upload waiting", id)
	}
	return data, wrapErr("get upload", err)
}

// FinishMedia stores what processing an upload made.
func (s *Store) FinishMedia(ctx context.Context, m news.Media, files []news.MediaFile, crops []news.MediaCropFile) error {
	const op = "finish upload"
	ready := m.State == news.MediaReady
	if ready {
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
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr(op, err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE media SET state = ?, problem = ?, format = CASE WHEN ? <> '' THEN ? ELSE format END,
		width = CASE WHEN ? > 0 THEN ? ELSE width END, height = CASE WHEN ? > 0 THEN ? ELSE height END,
		variants = ?, crops = ? WHERE id = ? AND state = 'pending'`,
		string(m.State), m.Problem, m.Format, m.Format, m.Width, m.Width, m.Height, m.Height, variants, cropList, m.ID)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ECONFLICT, "image %d is not waiting to be processed", m.ID))
	}
	if err != nil {
		return wrapErr(op, err)
	}
	if err := insertMediaFiles(ctx, tx, m.ID, files, crops); err != nil {
		return wrapErr(op, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM media_sources WHERE media_id = ?`, m.ID); err != nil {
		return wrapErr(op, err)
	}
	if err := mediaChanged(ctx, tx, m.ID); err != nil {
		return wrapErr(op, err)
	}
	return wrapErr(op, tx.Commit())
}

func insertMediaFiles(ctx context.Context, tx *sql.Tx, id int64, files []news.MediaFile, crops []news.MediaCropFile) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_files (media_id, width, height, content_type, ext, data, object_key)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, f.Width, f.Height, f.ContentType, f.Ext, blob(f.Data), f.ObjectKey); err != nil {
			return err
		}
	}
	for _, c := range crops {
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_crops (media_id, ratio, width, height, content_type, ext, data, object_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, c.Ratio, c.Width, c.Height, c.ContentType, c.Ext, blob(c.Data), c.ObjectKey); err != nil {
			return err
		}
	}
	return nil
}

// SaveCrops replaces an image's framing and crops.
func (s *Store) SaveCrops(ctx context.Context, id int64, f news.Framing, crops []news.MediaCropFile) (news.Media, error) {
	const op = "save crops"
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
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	defer tx.Rollback()
	var stored string
	if err := tx.QueryRowContext(ctx, `SELECT framing FROM media WHERE id = ?`, id).Scan(&stored); errors.Is(err, sql.ErrNoRows) {
		return news.Media{}, news.Errorf(news.ENOTFOUND, "image %d not found", id)
	} else if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	var cur news.Media
	if err := news.DecodeFraming(stored, "", &cur); err != nil {
		return news.Media{}, err
	}
	f.Version = cur.Framing.Version + 1
	framing, err := news.EncodeFraming(f)
	if err != nil {
		return news.Media{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE media SET framing = ?, crops = ? WHERE id = ?`, framing, cropList, id); err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM media_crops WHERE media_id = ?`, id); err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	if err := insertMediaFiles(ctx, tx, id, nil, crops); err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	if err := mediaChanged(ctx, tx, id); err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	m, err := scanMedia(tx.QueryRowContext(ctx, `SELECT `+mediaColumns+` FROM media WHERE id = ?`, id))
	if err != nil {
		return news.Media{}, wrapErr(op, err)
	}
	return m, wrapErr(op, tx.Commit())
}

// MediaCropFile returns one size of one crop.
func (s *Store) MediaCropFile(ctx context.Context, id int64, ratio string, width int) (news.MediaFile, error) {
	var f news.MediaFile
	err := s.read().QueryRowContext(ctx, `SELECT width, height, content_type, ext, data, object_key FROM media_crops
		WHERE media_id = ? AND ratio = ? AND width = ?`, id, ratio, width).Scan(&f.Width, &f.Height, &f.ContentType, &f.Ext, &f.Data, &f.ObjectKey)
	if errors.Is(err, sql.ErrNoRows) {
		return news.MediaFile{}, news.Errorf(news.ENOTFOUND, "image %d has no %s crop %d px wide", id, ratio, width)
	}
	if f.ObjectKey == "" {
		f.Size = len(f.Data)
	}
	return f, wrapErr("get crop", err)
}

// MediaUse counts the articles that show an image.
func (s *Store) MediaUse(ctx context.Context, id int64) (int, error) {
	var n int
	lead, body := news.MediaUsePatterns(id)
	err := s.read().QueryRowContext(ctx, `SELECT count(*) FROM articles WHERE image LIKE ? OR image LIKE ?
		OR body LIKE ? OR body LIKE ?`, lead[0], lead[1], body[0], body[1]).Scan(&n)
	return n, wrapErr("count uses of an image", err)
}

// TrashMedia puts an image in the trash, or takes it out.
func (s *Store) TrashMedia(ctx context.Context, id int64, at time.Time) error {
	var v any
	if !at.IsZero() {
		v = at.Unix()
	}
	res, err := s.w.ExecContext(ctx, `UPDATE media SET deleted_at = ? WHERE id = ?`, v, id)
	if err == nil {
		err = mustAffect(res, news.Errorf(news.ENOTFOUND, "image %d not found", id))
	}
	return wrapErr("trash image", err)
}

// PurgeMedia deletes trashed images with their files.
func (s *Store) PurgeMedia(ctx context.Context, ids []int64, before time.Time) (int, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	in, args := idList([]any{before.Unix()}, ids)
	res, err := s.w.ExecContext(ctx, `DELETE FROM media WHERE deleted_at IS NOT NULL AND deleted_at <= ?
		AND id IN (`+in+`)`, args...)
	if err != nil {
		return 0, wrapErr("purge images", err)
	}
	n, err := res.RowsAffected()
	return int(n), wrapErr("purge images", err)
}

// blob keeps an empty file's data a zero-length blob, not NULL.
func blob(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// MoveMediaFile records where one variant's or crop's bytes are.
func (s *Store) MoveMediaFile(ctx context.Context, id int64, ratio string, width int, key string, data []byte) error {
	const op = "move media file"
	var res sql.Result
	var err error
	if ratio == "" {
		res, err = s.w.ExecContext(ctx, `UPDATE media_files SET object_key = ?, data = ? WHERE media_id = ? AND width = ?`,
			key, blob(data), id, width)
	} else {
		res, err = s.w.ExecContext(ctx, `UPDATE media_crops SET object_key = ?, data = ? WHERE media_id = ? AND ratio = ? AND width = ?`,
			key, blob(data), id, ratio, width)
	}
	if err != nil {
		return wrapErr(op, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Errorf(news.ENOTFOUND, "image %d has no file %q %d px wide", id, ratio, width)
	}
	return nil
}
