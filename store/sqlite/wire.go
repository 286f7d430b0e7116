package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"sahafa/news"
)

const wireSourceColumns = `id, name, kind, address, format, interval_seconds, auth_kind, auth_user, secret, COALESCE(section_id, 0),
	priority, enabled, etag, last_modified, next_poll, last_poll, last_ok, last_error, failures, created_at,
	websub_hub, websub_topic, websub_secret, websub_expires`

func scanWireSource(sc interface{ Scan(...any) error }) (news.WireSource, error) {
	var w news.WireSource
	var interval, next, last, ok, created, expires int64
	err := sc.Scan(&w.ID, &w.Name, &w.Kind, &w.Address, &w.Format, &interval, &w.AuthKind, &w.AuthUser, &w.Secret, &w.SectionID,
		&w.Priority, &w.Enabled, &w.ETag, &w.LastModified, &next, &last, &ok, &w.LastError, &w.Failures, &created,
		&w.WebSubHub, &w.WebSubTopic, &w.WebSubSecret, &expires)
	w.WebSubExpires = unixOrZero(expires)
	w.Interval = time.Duration(interval) * time.Second
	w.NextPoll, w.LastPoll, w.LastOK, w.CreatedAt = unixOrZero(next), unixOrZero(last), unixOrZero(ok), fromUnix(created)
	return w, err
}

// collectRows scans every row of a query with scan; err is the query's.
func collectRows[T any](rows *sql.Rows, err error, op string, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	if err != nil {
		return nil, wrapErr(op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, wrapErr(op, err)
		}
		out = append(out, v)
	}
	return out, wrapErr(op, rows.Err())
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
	return collectRows(rows, err, "list wire sources", scanWireSource)
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

// fixWireHeads gives a head back to the groups whose head was removed
// (its source deleted, or purged).
const fixWireHeads = `UPDATE wire_items SET head = (id = (SELECT max(h.id) FROM wire_items h WHERE h.group_id = wire_items.group_id AND h.latest))
	WHERE latest AND group_id IN (SELECT group_id FROM wire_items WHERE latest GROUP BY group_id HAVING NOT max(head))`

// DeleteWireSource removes a source and its items.
func (s *Store) DeleteWireSource(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM wire_sources WHERE id = ?`, id)
	if err != nil {
		return wrapErr("delete a wire source", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Errorf(news.ENOTFOUND, "wire source %d not found", id)
	}
	_, err = s.w.ExecContext(ctx, fixWireHeads)
	return wrapErr("delete a wire source", err)
}

// ClaimWireSources takes the due sources in one statement.
func (s *Store) ClaimWireSources(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]news.WireSource, error) {
	rows, err := s.w.QueryContext(ctx, `UPDATE wire_sources SET next_poll = ?
		WHERE id IN (SELECT id FROM wire_sources WHERE enabled AND next_poll <= ? ORDER BY next_poll, id LIMIT ?)
		RETURNING `+wireSourceColumns, now.Add(lease).Unix(), now.Unix(), listLimit(limit))
	return collectRows(rows, err, "claim wire sources", scanWireSource)
}

// SaveWireSubscription records a source's WebSub subscription.
func (s *Store) SaveWireSubscription(ctx context.Context, id int64, hub, topic string, secret []byte, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE wire_sources SET websub_hub = ?, websub_topic = ?, websub_secret = ?, websub_expires = ? WHERE id = ?`,
		hub, topic, secret, zeroOrUnix(expires), id)
	return wrapErr("save a wire subscription", err)
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
		var maxVersion, same, taken int
		var articleID sql.NullInt64
		var group int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0), COALESCE(sum(hash = ?), 0), COALESCE(sum(version = ?), 0),
			max(article_id), COALESCE(max(group_id), 0) FROM wire_items WHERE source_id = ? AND guid = ?`,
			it.Hash, it.Version, it.SourceID, it.GUID).Scan(&maxVersion, &same, &taken, &articleID, &group)
		if err != nil {
			return nil, wrapErr("add wire items", err)
		}
		if same > 0 {
			continue
		}
		if taken > 0 {
			it.Version = maxVersion + 1
		}
		it.Latest = it.Version > maxVersion
		it.ArticleID = articleID.Int64
		if it.Latest {
			// Only latest versions are searched: the older ones leave the index.
			if _, err := tx.ExecContext(ctx, `DELETE FROM wire_search WHERE rowid IN
				(SELECT id FROM wire_items WHERE source_id = ? AND guid = ? AND latest)`, it.SourceID, it.GUID); err != nil {
				return nil, wrapErr("add wire items", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE wire_items SET latest = 0, head = 0 WHERE source_id = ? AND guid = ? AND latest`, it.SourceID, it.GUID); err != nil {
				return nil, wrapErr("add wire items", err)
			}
		}
		it.Head, it.GroupID = it.Latest, group
		err = tx.QueryRowContext(ctx, `INSERT INTO wire_items (source_id, guid, version, headline, summary, body, byline, dateline, language,
			urgency, subjects, slugline, status, signal, embargo, first_created, version_created, received_at, link, provider, hash,
			lead, latest, head, group_id, article_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0)) RETURNING id`,
			it.SourceID, it.GUID, it.Version, it.Headline, it.Summary, it.Body, it.Byline, it.Dateline, it.Language,
			it.Urgency, strings.Join(it.Subjects, "\n"), it.Slugline, it.Status, it.Signal, zeroOrUnix(it.Embargo), zeroOrUnix(it.FirstCreated),
			zeroOrUnix(it.VersionCreated), it.ReceivedAt.Unix(), it.Link, it.Provider, it.Hash, it.Lead, it.Latest, it.Head, group,
			it.ArticleID).Scan(&it.ID)
		if err != nil {
			return nil, wrapErr("add wire items", err)
		}
		if it.Latest {
			if _, err := tx.ExecContext(ctx, `INSERT INTO wire_search (rowid, terms) VALUES (?, ?)`, it.ID, it.Terms); err != nil {
				return nil, wrapErr("add wire items", err)
			}
		}
		if it.GroupID == 0 {
			it.GroupID = it.ID
			if _, err := tx.ExecContext(ctx, `UPDATE wire_items SET group_id = id WHERE id = ?`, it.ID); err != nil {
				return nil, wrapErr("add wire items", err)
			}
		} else if it.Head {
			if _, err := tx.ExecContext(ctx, `UPDATE wire_items SET head = 0 WHERE group_id = ? AND head AND id <> ?`, it.GroupID, it.ID); err != nil {
				return nil, wrapErr("add wire items", err)
			}
		}
		added = append(added, it)
	}
	return added, wrapErr("add wire items", tx.Commit())
}

const wireItemColumns = `w.id, w.source_id, s.name, w.guid, w.version, w.headline, w.summary, w.body, w.byline, w.dateline, w.language,
	w.urgency, w.subjects, w.slugline, w.status, w.signal, w.embargo, w.first_created, w.version_created, w.received_at, w.link,
	w.provider, w.hash, w.latest, COALESCE(w.article_id, 0), w.drafted, w.group_id, w.head,
	(SELECT count(*) FROM wire_items v WHERE v.source_id = w.source_id AND v.guid = w.guid),
	(SELECT count(*) FROM wire_items g WHERE g.group_id = w.group_id AND g.latest)`

func scanWireItem(sc interface{ Scan(...any) error }) (news.WireItem, error) {
	var it news.WireItem
	var subjects string
	var embargo, first, version, received int64
	err := sc.Scan(&it.ID, &it.SourceID, &it.SourceName, &it.GUID, &it.Version, &it.Headline, &it.Summary, &it.Body, &it.Byline,
		&it.Dateline, &it.Language, &it.Urgency, &subjects, &it.Slugline, &it.Status, &it.Signal, &embargo, &first, &version,
		&received, &it.Link, &it.Provider, &it.Hash, &it.Latest, &it.ArticleID, &it.Drafted, &it.GroupID, &it.Head, &it.Versions, &it.GroupSize)
	if subjects != "" {
		it.Subjects = strings.Split(subjects, "\n")
	}
	it.Embargo, it.FirstCreated, it.VersionCreated, it.ReceivedAt = unixOrZero(embargo), unixOrZero(first), unixOrZero(version), fromUnix(received)
	return it, err
}

func (s *Store) wireItems(ctx context.Context, op, where string, args ...any) ([]news.WireItem, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT `+wireItemColumns+` FROM wire_items w JOIN wire_sources s ON s.id = w.source_id `+where, args...)
	return collectRows(rows, err, op, scanWireItem)
}

// WireItems lists the queue, newest (highest id) first. Each filter has
// its own partial index (the heads, a source's, the urgent items'); a
// search walks wire_search in rowid order, which is the queue's.
func (s *Store) WireItems(ctx context.Context, f news.WireFilter) ([]news.WireItem, int, error) {
	from, order := "wire_items w", "w.id DESC"
	where := []string{"w.latest"}
	var args []any
	if len(f.Terms) > 0 {
		from, order = "wire_search f JOIN wire_items w ON w.id = f.rowid", "f.rowid DESC"
		where, args = append(where, "wire_search MATCH ?"), append(args, ftsAll(f.Terms))
	}
	if f.Grouped {
		where = append(where, "w.head")
	}
	if f.SourceID != 0 {
		where, args = append(where, "w.source_id = ?"), append(args, f.SourceID)
	}
	if f.Urgent {
		where = append(where, "w.urgency BETWEEN 1 AND 2") // as the partial index says it
	}
	if f.SectionID != 0 {
		where, args = append(where, "w.source_id IN (SELECT id FROM wire_sources WHERE section_id = ?)"), append(args, f.SectionID)
	}
	sel := ` FROM ` + from + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ?`
	var total int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1`+sel+`)`, append(args, news.WireCountCap+1)...).Scan(&total); err != nil {
		return nil, 0, wrapErr("count wire items", err)
	}
	rows, err := s.w.QueryContext(ctx, `SELECT w.id`+sel+` OFFSET ?`, append(args, listLimit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, wrapErr("list wire items", err)
	}
	var ids []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, wrapErr("list wire items", err)
		}
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, total, wrapErr("list wire items", err)
	}
	// Ids are integers read from the database: safe to write out.
	items, err := s.wireItems(ctx, "list wire items", `WHERE w.id IN (`+strings.Join(ids, ",")+`) ORDER BY w.id DESC`)
	return items, total, err
}

// ftsAll is an FTS5 query matching rows that hold every term.
func ftsAll(terms []string) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return strings.Join(quoted, " AND ")
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

// WireGroup lists a group's stories.
func (s *Store) WireGroup(ctx context.Context, groupID int64) ([]news.WireItem, error) {
	return s.wireItems(ctx, "list a wire group", `WHERE w.group_id = ? AND w.latest ORDER BY w.id DESC LIMIT 100`, groupID)
}

// WireRecent lists what grouping compares.
func (s *Store) WireRecent(ctx context.Context, since time.Time, limit int) ([]news.WireItem, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT id, source_id, group_id, lead, received_at FROM wire_items
		WHERE latest AND received_at >= ? ORDER BY id DESC LIMIT ?`, since.Unix(), max(limit, 1))
	if err != nil {
		return nil, wrapErr("list recent wire items", err)
	}
	defer rows.Close()
	var out []news.WireItem
	for rows.Next() {
		var it news.WireItem
		var received int64
		if err := rows.Scan(&it.ID, &it.SourceID, &it.GroupID, &it.Lead, &received); err != nil {
			return nil, wrapErr("list recent wire items", err)
		}
		it.ReceivedAt, it.Latest = fromUnix(received), true
		out = append(out, it)
	}
	return out, wrapErr("list recent wire items", rows.Err())
}

// SetWireGroups moves stories into groups.
func (s *Store) SetWireGroups(ctx context.Context, groups map[int64]int64) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrapErr("group wire items", err)
	}
	defer tx.Rollback()
	touched := map[int64]bool{}
	for itemID, groupID := range groups {
		var old int64
		if err := tx.QueryRowContext(ctx, `SELECT group_id FROM wire_items WHERE id = ?`, itemID).Scan(&old); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				continue // purged or deleted meanwhile
			}
			return wrapErr("group wire items", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE wire_items SET group_id = ?
			WHERE (source_id, guid) = (SELECT source_id, guid FROM wire_items WHERE id = ?)`, groupID, itemID); err != nil {
			return wrapErr("group wire items", err)
		}
		touched[old], touched[groupID] = true, true
	}
	for g := range touched {
		if _, err := tx.ExecContext(ctx, `UPDATE wire_items SET head = (id = (SELECT max(id) FROM wire_items WHERE group_id = ?1 AND latest)) WHERE group_id = ?1 AND latest`, g); err != nil {
			return wrapErr("group wire items", err)
		}
	}
	return wrapErr("group wire items", tx.Commit())
}

// PurgeWireItems removes old items.
func (s *Store) PurgeWireItems(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM wire_items WHERE received_at < ?`, before.Unix())
	if err != nil {
		return 0, wrapErr("purge wire items", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if _, err := s.w.ExecContext(ctx, fixWireHeads); err != nil {
			return int(n), wrapErr("purge wire items", err)
		}
	}
	return int(n), nil
}
