package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"sahafa/news"
)

const wireSourceColumns = `id, name, kind, address, format, interval_seconds, auth_kind, auth_user, secret, COALESCE(section_id, 0),
	priority, enabled, etag, last_modified, next_poll, last_poll, last_ok, last_error, failures, created_at`

func scanWireSource(sc interface{ Scan(...any) error }) (news.WireSource, error) {
	var w news.WireSource
	var interval, next, last, ok, created int64
	err := sc.Scan(&w.ID, &w.Name, &w.Kind, &w.Address, &w.Format, &interval, &w.AuthKind, &w.AuthUser, &w.Secret, &w.SectionID,
		&w.Priority, &w.Enabled, &w.ETag, &w.LastModified, &next, &last, &ok, &w.LastError, &w.Failures, &created)
	w.Interval = time.Duration(interval) * time.Second
	w.NextPoll, w.LastPoll, w.LastOK, w.CreatedAt = unixOrZero(next), unixOrZero(last), unixOrZero(ok), fromUnix(created)
	return w, err
}

func unixOrZero(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return fromUnix(sec)
}

func zeroOrUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// WireSources lists the sources by name.
func (s *Store) WireSources(ctx context.Context) ([]news.WireSource, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT `+wireSourceColumns+` FROM wire_sources ORDER BY name, id`)
	if err != nil {
		return nil, wrapErr("list wire sources", err)
	}
	defer rows.Close()
	var out []news.WireSource
	for rows.Next() {
		w, err := scanWireSource(rows)
		if err != nil {
			return nil, wrapErr("list wire sources", err)
		}
		out = append(out, w)
	}
	return out, wrapErr("list wire sources", rows.Err())
}

// WireSource returns one source.
func (s *Store) WireSource(ctx context.Context, id int64) (news.WireSource, error) {
	w, err := scanWireSource(s.w.QueryRowContext(ctx, `SELECT `+wireSourceColumns+` FROM wire_sources WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.WireSource{}, news.Errorf(news.ENOTFOUND, "wire source %d not found", id)
	}
	return w, wrapErr("read a wire source", err)
}

// SaveWireSource creates or updates a source's settings; a changed
// address or format forgets the validators and polls at once.
func (s *Store) SaveWireSource(ctx context.Context, w news.WireSource) (news.WireSource, error) {
	secs := int64(w.Interval / time.Second)
	if w.ID == 0 {
		var n int
		if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM wire_sources`).Scan(&n); err != nil {
			return w, wrapErr("count wire sources", err)
		}
		if n >= news.MaxWireSources {
			return w, news.Errorf(news.EINVALID, "الحد %d مصدرًا للوارد", news.MaxWireSources)
		}
		now := time.Now().UTC().Truncate(time.Second)
		w.CreatedAt = now
		err := s.w.QueryRowContext(ctx, `INSERT INTO wire_sources (name, kind, address, format, interval_seconds, auth_kind, auth_user, secret,
			section_id, priority, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?) RETURNING id`,
			w.Name, w.Kind, w.Address, w.Format, secs, w.AuthKind, w.AuthUser, w.Secret, w.SectionID, w.Priority, w.Enabled, now.Unix()).Scan(&w.ID)
		return w, wrapErr("create a wire source", err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE wire_sources SET
		etag = CASE WHEN address = ? AND format = ? THEN etag ELSE '' END,
		last_modified = CASE WHEN address = ? AND format = ? THEN last_modified ELSE '' END,
		next_poll = CASE WHEN address = ? AND format = ? AND enabled = ? THEN next_poll ELSE 0 END,
		failures = CASE WHEN address = ? THEN failures ELSE 0 END,
		name = ?, kind = ?, address = ?, format = ?, interval_seconds = ?, auth_kind = ?, auth_user = ?, secret = ?,
		section_id = NULLIF(?, 0), priority = ?, enabled = ? WHERE id = ?`,
		w.Address, w.Format, w.Address, w.Format, w.Address, w.Format, w.Enabled, w.Address,
		w.Name, w.Kind, w.Address, w.Format, secs, w.AuthKind, w.AuthUser, w.Secret, w.SectionID, w.Priority, w.Enabled, w.ID)
	if err != nil {
		return w, wrapErr("update a wire source", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return w, news.Errorf(news.ENOTFOUND, "wire source %d not found", w.ID)
	}
	return s.WireSource(ctx, w.ID)
}

// DeleteWireSource removes a source and its items.
func (s *Store) DeleteWireSource(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM wire_sources WHERE id = ?`, id)
	if err != nil {
		return wrapErr("delete a wire source", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Errorf(news.ENOTFOUND, "wire source %d not found", id)
	}
	return nil
}

// ClaimWireSources takes the due sources in one statement.
func (s *Store) ClaimWireSources(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]news.WireSource, error) {
	rows, err := s.w.QueryContext(ctx, `UPDATE wire_sources SET next_poll = ?
		WHERE id IN (SELECT id FROM wire_sources WHERE enabled AND next_poll <= ? ORDER BY next_poll, id LIMIT ?)
		RETURNING `+wireSourceColumns, now.Add(lease).Unix(), now.Unix(), listLimit(limit))
	if err != nil {
		return nil, wrapErr("claim wire sources", err)
	}
	defer rows.Close()
	var out []news.WireSource
	for rows.Next() {
		w, err := scanWireSource(rows)
		if err != nil {
			return nil, wrapErr("claim wire sources", err)
		}
		out = append(out, w)
	}
	return out, wrapErr("claim wire sources", rows.Err())
}

// FinishWirePoll saves what a poll ended with.
func (s *Store) FinishWirePoll(ctx context.Context, p news.WirePoll) error {
	var err error
	if p.OK {
		_, err = s.w.ExecContext(ctx, `UPDATE wire_sources SET last_poll = ?, last_ok = ?, last_error = '', failures = 0,
			etag = ?, last_modified = ?, next_poll = ? WHERE id = ?`,
			p.At.Unix(), p.At.Unix(), p.ETag, p.LastModified, p.NextPoll.Unix(), p.SourceID)
	} else {
		_, err = s.w.ExecContext(ctx, `UPDATE wire_sources SET last_poll = ?, last_error = ?, failures = failures + 1, next_poll = ? WHERE id = ?`,
			p.At.Unix(), p.Error, p.NextPoll.Unix(), p.SourceID)
	}
	return wrapErr("finish a wire poll", err)
}

// AddWireItems stores the new items and versions in one transaction.
func (s *Store) AddWireItems(ctx context.Context, items []news.WireItem) ([]news.WireItem, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapErr("add wire items", err)
	}
	defer tx.Rollback()
	var added []news.WireItem
	for _, it := range items {
		var maxVersion int
		var same int
		var articleID sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0), COALESCE(sum(hash = ?), 0), max(article_id)
			FROM wire_items WHERE source_id = ? AND guid = ?`, it.Hash, it.SourceID, it.GUID).Scan(&maxVersion, &same, &articleID)
		if err != nil {
			return nil, wrapErr("add wire items", err)
		}
		if same > 0 {
			continue
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM wire_items WHERE source_id = ? AND guid = ? AND version = ?`,
			it.SourceID, it.GUID, it.Version).Scan(&taken); err != nil {
			return nil, wrapErr("add wire items", err)
		}
		if taken > 0 {
			it.Version = maxVersion + 1
		}
		it.Latest = it.Version > maxVersion
		it.ArticleID = articleID.Int64
		if it.Latest {
			if _, err := tx.ExecContext(ctx, `UPDATE wire_items SET latest = 0 WHERE source_id = ? AND guid = ? AND latest`, it.SourceID, it.GUID); err != nil {
				return nil, wrapErr("add wire items", err)
			}
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO wire_items (source_id, guid, version, headline, summary, body, byline, dateline, language,
			urgency, subjects, slugline, status, signal, embargo, first_created, version_created, received_at, link, provider, hash, terms,
			latest, article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0)) RETURNING id`,
			it.SourceID, it.GUID, it.Version, it.Headline, it.Summary, it.Body, it.Byline, it.Dateline, it.Language,
			it.Urgency, strings.Join(it.Subjects, "\n"), it.Slugline, it.Status, it.Signal, zeroOrUnix(it.Embargo), zeroOrUnix(it.FirstCreated),
			zeroOrUnix(it.VersionCreated), it.ReceivedAt.Unix(), it.Link, it.Provider, it.Hash, it.Terms, it.Latest, it.ArticleID).Scan(&it.ID)
		if err != nil {
			return nil, wrapErr("add wire items", err)
		}
		added = append(added, it)
	}
	return added, wrapErr("add wire items", tx.Commit())
}

const wireItemColumns = `w.id, w.source_id, s.name, w.guid, w.version, w.headline, w.summary, w.body, w.byline, w.dateline, w.language,
	w.urgency, w.subjects, w.slugline, w.status, w.signal, w.embargo, w.first_created, w.version_created, w.received_at, w.link,
	w.provider, w.hash, w.latest, COALESCE(w.article_id, 0), w.drafted,
	(SELECT count(*) FROM wire_items v WHERE v.source_id = w.source_id AND v.guid = w.guid)`

func scanWireItem(sc interface{ Scan(...any) error }) (news.WireItem, error) {
	var it news.WireItem
	var subjects string
	var embargo, first, version, received int64
	err := sc.Scan(&it.ID, &it.SourceID, &it.SourceName, &it.GUID, &it.Version, &it.Headline, &it.Summary, &it.Body, &it.Byline,
		&it.Dateline, &it.Language, &it.Urgency, &subjects, &it.Slugline, &it.Status, &it.Signal, &embargo, &first, &version,
		&received, &it.Link, &it.Provider, &it.Hash, &it.Latest, &it.ArticleID, &it.Drafted, &it.Versions)
	if subjects != "" {
		it.Subjects = strings.Split(subjects, "\n")
	}
	it.Embargo, it.FirstCreated, it.VersionCreated, it.ReceivedAt = unixOrZero(embargo), unixOrZero(first), unixOrZero(version), fromUnix(received)
	return it, err
}

func (s *Store) wireItems(ctx context.Context, op, where string, args ...any) ([]news.WireItem, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT `+wireItemColumns+` FROM wire_items w JOIN wire_sources s ON s.id = w.source_id `+where, args...)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []news.WireItem
	for rows.Next() {
		it, err := scanWireItem(rows)
		if err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, it)
	}
	return out, wrapErr(op, rows.Err())
}

// WireItems lists the queue.
func (s *Store) WireItems(ctx context.Context, f news.WireFilter) ([]news.WireItem, int, error) {
	where := []string{"w.latest"}
	var args []any
	if f.SourceID != 0 {
		where, args = append(where, "w.source_id = ?"), append(args, f.SourceID)
	}
	if f.MaxUrgency > 0 {
		where, args = append(where, "w.urgency BETWEEN 1 AND ?"), append(args, f.MaxUrgency)
	}
	if f.SectionID != 0 {
		where, args = append(where, "s.section_id = ?"), append(args, f.SectionID)
	}
	for _, t := range f.Terms {
		where, args = append(where, "instr(w.terms, ?) > 0"), append(args, " "+t+" ")
	}
	cond := "WHERE " + strings.Join(where, " AND ")
	var total int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM wire_items w JOIN wire_sources s ON s.id = w.source_id `+cond, args...).Scan(&total); err != nil {
		return nil, 0, wrapErr("count wire items", err)
	}
	items, err := s.wireItems(ctx, "list wire items", cond+` ORDER BY w.received_at DESC, w.id DESC LIMIT ? OFFSET ?`,
		append(args, listLimit(f.Limit), max(f.Offset, 0))...)
	return items, total, err
}

// WireItem returns one item.
func (s *Store) WireItem(ctx context.Context, id int64) (news.WireItem, error) {
	items, err := s.wireItems(ctx, "read a wire item", `WHERE w.id = ?`, id)
	if err == nil && len(items) == 0 {
		err = news.Errorf(news.ENOTFOUND, "wire item %d not found", id)
	}
	if err != nil {
		return news.WireItem{}, err
	}
	return items[0], nil
}

// WireVersions lists a story's versions, newest first.
func (s *Store) WireVersions(ctx context.Context, sourceID int64, guid string) ([]news.WireItem, error) {
	return s.wireItems(ctx, "list wire versions", `WHERE w.source_id = ? AND w.guid = ? ORDER BY w.version DESC`, sourceID, guid)
}

// LinkWireDraft records the draft made from a story.
func (s *Store) LinkWireDraft(ctx context.Context, itemID, articleID int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE wire_items SET article_id = ?, drafted = (id = ?)
		WHERE (source_id, guid) = (SELECT source_id, guid FROM wire_items WHERE id = ?)`, articleID, itemID, itemID)
	if err != nil {
		return wrapErr("link a wire draft", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Errorf(news.ENOTFOUND, "wire item %d not found", itemID)
	}
	return nil
}

// WireItemsOfArticle lists the stories a draft was made from.
func (s *Store) WireItemsOfArticle(ctx context.Context, articleID int64) ([]news.WireItem, error) {
	return s.wireItems(ctx, "list a draft's wire items", `WHERE w.article_id = ? AND w.latest ORDER BY w.id`, articleID)
}

// PurgeWireItems removes old items.
func (s *Store) PurgeWireItems(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM wire_items WHERE received_at < ?`, before.Unix())
	if err != nil {
		return 0, wrapErr("purge wire items", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
