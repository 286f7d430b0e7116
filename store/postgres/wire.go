package postgres

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

const wireSourceColumns = `id, name, kind, address, format, interval_seconds, auth_kind, auth_user, secret, COALESCE(section_id, 0),
	priority, enabled, etag, last_modified, next_poll, last_poll, last_ok, last_error, failures, created_at,
	websub_hub, websub_topic, websub_secret, websub_expires`

func scanWireSource(row pgx.Row) (news.WireSource, error) {
	var w news.WireSource
	var interval int64
	var last, ok, expires *time.Time
	err := row.Scan(&w.ID, &w.Name, &w.Kind, &w.Address, &w.Format, &interval, &w.AuthKind, &w.AuthUser, &w.Secret, &w.SectionID,
		&w.Priority, &w.Enabled, &w.ETag, &w.LastModified, &w.NextPoll, &last, &ok, &w.LastError, &w.Failures, &w.CreatedAt,
		&w.WebSubHub, &w.WebSubTopic, &w.WebSubSecret, &expires)
	w.WebSubExpires = timeOrZero(expires)
	w.Interval = time.Duration(interval) * time.Second
	w.NextPoll, w.CreatedAt = w.NextPoll.UTC(), w.CreatedAt.UTC()
	w.LastPoll, w.LastOK = timeOrZero(last), timeOrZero(ok)
	return w, err
}

func timeOrZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func nilIfZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

// wireWrite runs a write of the wire desk's tables: no page shows them.
func (s *Store) wireWrite(ctx context.Context, op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return s.inTx(ctx, op, pgx.TxOptions{}, noNotify, fn)
}

func (s *Store) wireSourceList(ctx context.Context, op, sql string, args ...any) ([]news.WireSource, error) {
	var out []news.WireSource
	err := s.query(ctx, op, func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (news.WireSource, error) { return scanWireSource(r) })
		return err
	})
	return out, err
}

// WireSources lists the sources by name.
func (s *Store) WireSources(ctx context.Context) ([]news.WireSource, error) {
	return s.wireSourceList(ctx, "list wire sources", `SELECT `+wireSourceColumns+` FROM wire_sources ORDER BY name, id`)
}

// WireSource returns one source.
func (s *Store) WireSource(ctx context.Context, id int64) (news.WireSource, error) {
	list, err := s.wireSourceList(ctx, "read a wire source", `SELECT `+wireSourceColumns+` FROM wire_sources WHERE id = $1`, id)
	if err == nil && len(list) == 0 {
		err = news.Errorf(news.ENOTFOUND, "wire source %d not found", id)
	}
	if err != nil {
		return news.WireSource{}, err
	}
	return list[0], nil
}

// SaveWireSource creates or updates a source's settings.
func (s *Store) SaveWireSource(ctx context.Context, w news.WireSource) (news.WireSource, error) {
	secs := int64(w.Interval / time.Second)
	err := s.wireWrite(ctx, "save a wire source", func(ctx context.Context, tx pgx.Tx) error {
		if w.ID == 0 {
			// Counted under a lock so two admins cannot pass the bound together.
			if _, err := tx.Exec(ctx, `LOCK TABLE wire_sources IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM wire_sources`).Scan(&n); err != nil {
				return err
			}
			if n >= news.MaxWireSources {
				return news.Errorf(news.EINVALID, "الحد %d مصدرًا للوارد", news.MaxWireSources)
			}
			w.CreatedAt = second(time.Now())
			return tx.QueryRow(ctx, `INSERT INTO wire_sources (name, kind, address, format, interval_seconds, auth_kind, auth_user, secret,
				section_id, priority, enabled, created_at, next_poll) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9::bigint, 0), $10, $11, $12, 'epoch')
				RETURNING id`, w.Name, w.Kind, w.Address, w.Format, secs, w.AuthKind, w.AuthUser, w.Secret, w.SectionID, w.Priority, w.Enabled,
				w.CreatedAt).Scan(&w.ID)
		}
		tag, err := tx.Exec(ctx, `UPDATE wire_sources SET
			etag = CASE WHEN address = $3 AND format = $4 THEN etag ELSE '' END,
			last_modified = CASE WHEN address = $3 AND format = $4 THEN last_modified ELSE '' END,
			next_poll = CASE WHEN address = $3 AND format = $4 AND enabled = $11 THEN next_poll ELSE 'epoch' END,
			failures = CASE WHEN address = $3 THEN failures ELSE 0 END,
			name = $1, kind = $2, address = $3, format = $4, interval_seconds = $5, auth_kind = $6, auth_user = $7, secret = $8,
			section_id = NULLIF($9::bigint, 0), priority = $10, enabled = $11 WHERE id = $12`,
			w.Name, w.Kind, w.Address, w.Format, secs, w.AuthKind, w.AuthUser, w.Secret, w.SectionID, w.Priority, w.Enabled, w.ID)
		if err == nil && tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "wire source %d not found", w.ID)
		}
		return err
	})
	if err != nil {
		return w, err
	}
	return s.WireSource(ctx, w.ID)
}

// fixWireHeads gives a head back to the groups whose head was removed
// (its source deleted, or purged).
const fixWireHeads = `UPDATE wire_items w SET head = (w.id = (SELECT max(h.id) FROM wire_items h WHERE h.group_id = w.group_id AND h.latest))
	WHERE w.latest AND w.group_id IN (SELECT group_id FROM wire_items WHERE latest GROUP BY group_id HAVING NOT bool_or(head))`

// DeleteWireSource removes a source and its items.
func (s *Store) DeleteWireSource(ctx context.Context, id int64) error {
	return s.wireWrite(ctx, "delete a wire source", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM wire_sources WHERE id = $1`, id)
		if err == nil && tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "wire source %d not found", id)
		}
		if err == nil {
			_, err = tx.Exec(ctx, fixWireHeads)
		}
		return err
	})
}

// ClaimWireSources takes the due sources; SKIP LOCKED lets two servers
// claim at once without waiting on each other or taking the same one.
func (s *Store) ClaimWireSources(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]news.WireSource, error) {
	var out []news.WireSource
	err := s.wireWrite(ctx, "claim wire sources", func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE wire_sources SET next_poll = $1
			WHERE id IN (SELECT id FROM wire_sources WHERE enabled AND next_poll <= $2 ORDER BY next_poll, id LIMIT $3 FOR UPDATE SKIP LOCKED)
			RETURNING `+wireSourceColumns, now.Add(lease), now, listLimit(limit))
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (news.WireSource, error) { return scanWireSource(r) })
		return err
	})
	return out, err
}

// SaveWireSubscription records a source's WebSub subscription.
func (s *Store) SaveWireSubscription(ctx context.Context, id int64, hub, topic string, secret []byte, expires time.Time) error {
	return s.wireWrite(ctx, "save a wire subscription", func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE wire_sources SET websub_hub = $1, websub_topic = $2, websub_secret = $3, websub_expires = $4 WHERE id = $5`,
			hub, topic, secret, nilIfZero(expires), id)
		return err
	})
}

// FinishWirePoll saves what a poll ended with.
func (s *Store) FinishWirePoll(ctx context.Context, p news.WirePoll) error {
	return s.wireWrite(ctx, "finish a wire poll", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		if p.OK {
			_, err = tx.Exec(ctx, `UPDATE wire_sources SET last_poll = $1, last_ok = $1, last_error = '', failures = 0,
				etag = $2, last_modified = $3, next_poll = $4 WHERE id = $5`, p.At, p.ETag, p.LastModified, p.NextPoll, p.SourceID)
		} else {
			_, err = tx.Exec(ctx, `UPDATE wire_sources SET last_poll = $1, last_error = $2, failures = failures + 1, next_poll = $3 WHERE id = $4`,
				p.At, p.Error, p.NextPoll, p.SourceID)
		}
		return err
	})
}

// AddWireItems stores the new items and versions in one transaction. A
// lock per story keeps two servers that receive the same story from
// numbering its versions twice.
func (s *Store) AddWireItems(ctx context.Context, items []news.WireItem) ([]news.WireItem, error) {
	var added []news.WireItem
	err := s.wireWrite(ctx, "add wire items", func(ctx context.Context, tx pgx.Tx) error {
		added = added[:0]
		// One round trip locks the batch's stories (in key order: two
		// servers' batches cannot deadlock) and one reads what is stored
		// of them; the batch then updates that picture as it goes.
		type story struct {
			source int64
			guid   string
		}
		type stored struct {
			maxVersion int
			hashes     map[string]bool
			versions   map[int]bool
			articleID  int64
			group      int64
		}
		known := map[story]*stored{}
		var keys []string
		var sources []int64
		var guids []string
		for _, it := range items {
			k := story{it.SourceID, it.GUID}
			if known[k] == nil {
				known[k] = &stored{hashes: map[string]bool{}, versions: map[int]bool{}}
				keys = append(keys, "wire:"+strconv.FormatInt(it.SourceID, 10)+":"+it.GUID)
				sources, guids = append(sources, it.SourceID), append(guids, it.GUID)
			}
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest($1::text[]) x ORDER BY 1) l`, keys); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT w.source_id, w.guid, w.version, w.hash, COALESCE(w.article_id, 0), w.group_id
			FROM wire_items w JOIN unnest($1::bigint[], $2::text[]) AS s(source_id, guid) ON w.source_id = s.source_id AND w.guid = s.guid`,
			sources, guids)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k story
			var version int
			var hash string
			var articleID, group int64
			if err := rows.Scan(&k.source, &k.guid, &version, &hash, &articleID, &group); err != nil {
				rows.Close()
				return err
			}
			st := known[k]
			st.maxVersion, st.hashes[hash], st.versions[version] = max(st.maxVersion, version), true, true
			st.articleID, st.group = max(st.articleID, articleID), max(st.group, group)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, it := range items {
			st := known[story{it.SourceID, it.GUID}]
			if st.hashes[it.Hash] {
				continue
			}
			maxVersion, group := st.maxVersion, st.group
			if st.versions[it.Version] {
				it.Version = maxVersion + 1
			}
			it.Latest = it.Version > maxVersion
			it.ArticleID = st.articleID
			if it.Latest && maxVersion > 0 {
				if _, err := tx.Exec(ctx, `UPDATE wire_items SET latest = false, head = false WHERE source_id = $1 AND guid = $2 AND latest`, it.SourceID, it.GUID); err != nil {
					return err
				}
			}
			it.Head, it.GroupID = it.Latest, group
			// A new story is its own group: its id is drawn first so that
			// one statement writes both.
			err = tx.QueryRow(ctx, `WITH n AS (SELECT nextval(pg_get_serial_sequence('wire_items', 'id')) AS id)
				INSERT INTO wire_items (id, source_id, guid, version, headline, summary, body, byline, dateline, language,
				urgency, subjects, slugline, status, signal, embargo, first_created, version_created, received_at, link, provider, hash, terms,
				lead, latest, head, group_id, article_id) SELECT n.id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
				$19, $20, $21, array_to_tsvector($22::text[]), $23, $24, $25, CASE WHEN $26::bigint = 0 THEN n.id ELSE $26 END,
				NULLIF($27::bigint, 0) FROM n RETURNING id`,
				it.SourceID, it.GUID, it.Version, it.Headline, it.Summary, it.Body, it.Byline, it.Dateline, it.Language,
				it.Urgency, strings.Join(it.Subjects, "\n"), it.Slugline, it.Status, it.Signal, nilIfZero(it.Embargo), nilIfZero(it.FirstCreated),
				nilIfZero(it.VersionCreated), second(it.ReceivedAt), it.Link, it.Provider, it.Hash, termLexemes(it.Terms), it.Lead, it.Latest, it.Head, group,
				it.ArticleID).Scan(&it.ID)
			if err != nil {
				return err
			}
			st.hashes[it.Hash], st.versions[it.Version] = true, true
			st.maxVersion = max(st.maxVersion, it.Version)
			if it.GroupID == 0 {
				it.GroupID = it.ID
				st.group = it.ID
			} else if it.Head {
				if err := lockWireGroups(ctx, tx, it.GroupID); err != nil {
					return err
				}
				if _, err := tx.Exec(ctx, `UPDATE wire_items SET head = false WHERE group_id = $1 AND head AND id <> $2`, it.GroupID, it.ID); err != nil {
					return err
				}
			}
			added = append(added, it)
		}
		return nil
	})
	return added, err
}

const wireItemColumns = `w.id, w.source_id, s.name, w.guid, w.version, w.headline, w.summary, w.body, w.byline, w.dateline, w.language,
	w.urgency, w.subjects, w.slugline, w.status, w.signal, w.embargo, w.first_created, w.version_created, w.received_at, w.link,
	w.provider, w.hash, w.latest, COALESCE(w.article_id, 0), w.drafted, w.group_id, w.head,
	(SELECT count(*) FROM wire_items v WHERE v.source_id = w.source_id AND v.guid = w.guid),
	(SELECT count(*) FROM wire_items g WHERE g.group_id = w.group_id AND g.latest)`

func scanWireItem(row pgx.Row) (news.WireItem, error) {
	var it news.WireItem
	var subjects string
	var embargo, first, version *time.Time
	err := row.Scan(&it.ID, &it.SourceID, &it.SourceName, &it.GUID, &it.Version, &it.Headline, &it.Summary, &it.Body, &it.Byline,
		&it.Dateline, &it.Language, &it.Urgency, &subjects, &it.Slugline, &it.Status, &it.Signal, &embargo, &first, &version,
		&it.ReceivedAt, &it.Link, &it.Provider, &it.Hash, &it.Latest, &it.ArticleID, &it.Drafted, &it.GroupID, &it.Head, &it.Versions, &it.GroupSize)
	if subjects != "" {
		it.Subjects = strings.Split(subjects, "\n")
	}
	it.Embargo, it.FirstCreated, it.VersionCreated, it.ReceivedAt = timeOrZero(embargo), timeOrZero(first), timeOrZero(version), it.ReceivedAt.UTC()
	return it, err
}

func (s *Store) wireItems(ctx context.Context, op, where string, args ...any) ([]news.WireItem, error) {
	var out []news.WireItem
	err := s.query(ctx, op, func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+wireItemColumns+` FROM wire_items w JOIN wire_sources s ON s.id = w.source_id `+where, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (news.WireItem, error) { return scanWireItem(r) })
		return err
	})
	return out, err
}

// WireItems lists the queue. Each filter has its own index (the heads,
// a source's, the urgent items'); a search goes through the GIN index of
// the terms.
func (s *Store) WireItems(ctx context.Context, f news.WireFilter) ([]news.WireItem, int, error) {
	where := []string{"w.latest"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Grouped {
		where = append(where, "w.head")
	}
	if f.SourceID != 0 {
		where = append(where, "w.source_id = "+arg(f.SourceID))
	}
	if f.Urgent {
		where = append(where, "w.urgency BETWEEN 1 AND 2") // as the partial index says it
	}
	if f.SectionID != 0 {
		where = append(where, "w.source_id IN (SELECT id FROM wire_sources WHERE section_id = "+arg(f.SectionID)+")")
	}
	if len(f.Terms) > 0 {
		var parts []string
		for _, t := range f.Terms {
			for _, l := range lexemes(t) {
				parts = append(parts, quoteLexeme(l))
			}
		}
		if len(parts) == 0 {
			return nil, 0, nil
		}
		where = append(where, "w.terms @@ "+arg(strings.Join(parts, " & "))+"::tsquery")
	}
	cond := "WHERE " + strings.Join(where, " AND ")
	var total int
	err := s.query(ctx, "count wire items", func(ctx context.Context, c querier) error {
		return c.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM wire_items w `+cond+` ORDER BY w.id DESC LIMIT `+arg(news.WireCountCap+1)+`) x`, args...).Scan(&total)
	})
	if err != nil {
		return nil, 0, err
	}
	args = args[:len(args)-1]
	limit, offset := arg(listLimit(f.Limit)), arg(max(f.Offset, 0))
	items, err := s.wireItems(ctx, "list wire items", cond+` ORDER BY w.id DESC LIMIT `+limit+` OFFSET `+offset, args...)
	return items, total, err
}

// termLexemes are the lexemes of an item's space-separated terms, each
// once, as the queue's searches split them.
func termLexemes(terms string) []string {
	seen := map[string]bool{}
	var out []string
	words(terms, func(w string) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	})
	return out
}

// WireItem returns one item.
func (s *Store) WireItem(ctx context.Context, id int64) (news.WireItem, error) {
	items, err := s.wireItems(ctx, "read a wire item", `WHERE w.id = $1`, id)
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
	return s.wireItems(ctx, "list wire versions", `WHERE w.source_id = $1 AND w.guid = $2 ORDER BY w.version DESC`, sourceID, guid)
}

// LinkWireDraft records the draft made from a story.
func (s *Store) LinkWireDraft(ctx context.Context, itemID, articleID int64) error {
	return s.wireWrite(ctx, "link a wire draft", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE wire_items SET article_id = $1, drafted = (id = $2)
			WHERE (source_id, guid) = (SELECT source_id, guid FROM wire_items WHERE id = $2)`, articleID, itemID)
		if err == nil && tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "wire item %d not found", itemID)
		}
		return err
	})
}

// WireItemsOfArticle lists the stories a draft was made from.
func (s *Store) WireItemsOfArticle(ctx context.Context, articleID int64) ([]news.WireItem, error) {
	return s.wireItems(ctx, "list a draft's wire items", `WHERE w.article_id = $1 AND w.latest ORDER BY w.id`, articleID)
}

// WireGroup lists a group's stories.
func (s *Store) WireGroup(ctx context.Context, groupID int64) ([]news.WireItem, error) {
	return s.wireItems(ctx, "list a wire group", `WHERE w.group_id = $1 AND w.latest ORDER BY w.id DESC LIMIT 100`, groupID)
}

// WireRecent lists what grouping compares.
func (s *Store) WireRecent(ctx context.Context, since time.Time, limit int) ([]news.WireItem, error) {
	var out []news.WireItem
	err := s.query(ctx, "list recent wire items", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT id, source_id, group_id, lead, received_at FROM wire_items
			WHERE latest AND received_at >= $1 ORDER BY id DESC LIMIT $2`, since, max(limit, 1))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it news.WireItem
			if err := rows.Scan(&it.ID, &it.SourceID, &it.GroupID, &it.Lead, &it.ReceivedAt); err != nil {
				return err
			}
			it.ReceivedAt, it.Latest = it.ReceivedAt.UTC(), true
			out = append(out, it)
		}
		return rows.Err()
	})
	return out, err
}

// lockWireGroups takes the groups' locks, in order, for the transaction:
// two servers changing one group's heads at once would leave it two.
func lockWireGroups(ctx context.Context, tx pgx.Tx, groups ...int64) error {
	slices.Sort(groups)
	for _, g := range slices.Compact(groups) {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "wiregroup:"+strconv.FormatInt(g, 10)); err != nil {
			return err
		}
	}
	return nil
}

// SetWireGroups moves stories into groups.
func (s *Store) SetWireGroups(ctx context.Context, groups map[int64]int64) error {
	return s.wireWrite(ctx, "group wire items", func(ctx context.Context, tx pgx.Tx) error {
		ids := make([]int64, 0, len(groups))
		targets := make([]int64, 0, len(groups))
		for id, g := range groups {
			ids, targets = append(ids, id), append(targets, g)
		}
		rows, err := tx.Query(ctx, `SELECT DISTINCT group_id FROM wire_items WHERE id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		old, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		touched := append(old, targets...)
		if err := lockWireGroups(ctx, tx, touched...); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE wire_items w SET group_id = m.g
			FROM (SELECT s.source_id, s.guid, t.g FROM unnest($1::bigint[], $2::bigint[]) AS t(id, g) JOIN wire_items s ON s.id = t.id) m
			WHERE w.source_id = m.source_id AND w.guid = m.guid`, ids, targets); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE wire_items w SET head = (w.id = (SELECT max(h.id) FROM wire_items h WHERE h.group_id = w.group_id AND h.latest))
			WHERE w.latest AND w.group_id = ANY($1)`, touched)
		return err
	})
}

// PurgeWireItems removes old items.
func (s *Store) PurgeWireItems(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := s.wireWrite(ctx, "purge wire items", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM wire_items WHERE received_at < $1`, before)
		n = tag.RowsAffected()
		if err == nil && n > 0 {
			_, err = tx.Exec(ctx, fixWireHeads)
		}
		return err
	})
	return int(n), err
}
