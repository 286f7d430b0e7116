package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

// SaveArticles creates or updates records in one transaction, with the
// semantics of the SQLite store (records applied in order, a later record
// seeing what an earlier one wrote).
//
// It takes a few round trips per batch rather than several per record:
// sections, authors and tags are upserted together, the stored articles
// the records touch and the slugs of their (section, URL date) pairs are
// read at once, new articles get ids from the sequence up front, the
// decisions (create or update, version check, URL date, free slug) are made
// in Go on that state, and the writes go in one pipelined pgx batch. A
// transaction-level advisory lock serializes SaveArticles calls on the same
// schema across all nodes, as the single SQLite writer does, so that the
// state read at the start stays true and two servers cannot pick the same
// free slug. Records that keep a revision (newsroom edits, one at a time)
// cost a round trip or two more: the stored article is read before it is
// overwritten.
func (s *Store) SaveArticles(ctx context.Context, records []news.ArticleRecord) (news.SaveResult, error) {
	for i := range records {
		if err := validate(i, &records[i]); err != nil {
			return news.SaveResult{}, err
		}
	}
	if len(records) == 0 {
		return news.SaveResult{}, nil
	}
	var res news.SaveResult
	err := s.writeTx(ctx, "save articles", func(ctx context.Context, tx pgx.Tx) error {
		var err error
		res, err = saveArticles(ctx, tx, records)
		return err
	})
	if err != nil {
		return news.SaveResult{}, err
	}
	return res, nil
}

// stored is what the saver knows of a stored (or being stored) article:
// its state as of the record being written.
type stored struct {
	day         time.Time
	sectionID   int64
	sectionSlug string
	slug        string
	ext         string
	pending     bool // created by this batch and not yet inserted
	hasTags     bool // may have article_tags rows

	// Planned in pass 1, ahead of the writes: the version, the URL date
	// and whether the article has been public, as of the record planned.
	version       int
	everPublished bool
	planDay       time.Time
}

type group struct {
	sectionID int64
	day       time.Time
}

// plan is what pass 1 decides for one record.
type plan struct {
	status        news.Status
	day           time.Time // URL date after the save
	version       int       // version after the save
	wasPublished  bool      // public at some point before this save
	everPublished bool      // … or by this save
}

func saveArticles(ctx context.Context, tx pgx.Tx, records []news.ArticleRecord) (news.SaveResult, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, lockWrite); err != nil {
		return news.SaveResult{}, fmt.Errorf("lock: %w", err)
	}

	// Sections, authors and tags: the last non-empty name given in the
	// batch wins; a new row without a name is named after its slug.
	secNames, autNames, tagNames := map[string]string{}, map[string]string{}, map[string]string{}
	for i := range records {
		r := &records[i]
		secNames[r.Section.Slug] = cmpOr(r.Section.Name, secNames[r.Section.Slug])
		for _, au := range r.Authors {
			autNames[au.Slug] = cmpOr(au.Name, autNames[au.Slug])
		}
		for _, t := range r.Tags {
			tagNames[t.Slug] = cmpOr(t.Name, tagNames[t.Slug])
		}
	}
	sections := namedSet{table: "sections", names: secNames}
	tags := namedSet{table: "tags", names: tagNames}
	if err := upsertNamed(ctx, tx, &sections, &tags); err != nil {
		return news.SaveResult{}, err
	}
	authorIDs, err := upsertAuthors(ctx, tx, autNames)
	if err != nil {
		return news.SaveResult{}, err
	}
	sectionIDs, tagIDs := sections.ids, tags.ids

	// The stored articles the records may update.
	var exts []string
	var ids []int64
	for i := range records {
		if e := records[i].ExternalID; e != "" {
			exts = append(exts, e)
		}
		if id := records[i].ID; id > 0 {
			ids = append(ids, id)
		}
	}
	known := map[int64]*stored{}
	byExt := map[string]int64{}
	if len(exts) > 0 || len(ids) > 0 {
		rows, err := tx.Query(ctx, `SELECT a.id, a.url_date, a.section_id, s.slug, a.slug, COALESCE(a.external_id, ''),
				a.version, a.ever_published, EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id)
			FROM articles a JOIN sections s ON s.id = a.section_id
			WHERE a.external_id = ANY($1) OR a.id = ANY($2)`, exts, ids)
		if err != nil {
			return news.SaveResult{}, fmt.Errorf("find stored articles: %w", err)
		}
		for rows.Next() {
			var id int64
			st := &stored{}
			if err := rows.Scan(&id, &st.day, &st.sectionID, &st.sectionSlug, &st.slug, &st.ext,
				&st.version, &st.everPublished, &st.hasTags); err != nil {
				rows.Close()
				return news.SaveResult{}, fmt.Errorf("find stored articles: %w", err)
			}
			st.day = utcDate(st.day)
			st.planDay = st.day
			known[id] = st
			if st.ext != "" {
				byExt[st.ext] = id
			}
		}
		if err := rows.Err(); err != nil {
			return news.SaveResult{}, fmt.Errorf("find stored articles: %w", err)
		}
	}

	// Pass 1: which record creates and which updates (by external id first,
	// then by id), in order; new articles get placeholder ids -1, -2…
	// Versions are checked here, and URL dates decided: an article's URL
	// date follows its planned publication until it has been public, and
	// is fixed from then on.
	target := make([]int64, len(records))
	created := make([]bool, len(records))
	plans := make([]plan, len(records))
	newCount := 0
	for i := range records {
		r := &records[i]
		id := int64(0)
		if r.ExternalID != "" {
			id = byExt[r.ExternalID]
		}
		if id == 0 && r.ID > 0 && known[r.ID] != nil {
			id = r.ID
		}
		if id == 0 {
			newCount++
			id = -int64(newCount)
			// A copy from another store (FirstPublished set) keeps its URL.
			known[id] = &stored{day: r.URLDate(), pending: true}
			created[i] = true
		}
		st := known[id]
		if r.ExpectVersion > 0 && st.version != r.ExpectVersion {
			return news.SaveResult{}, news.Errorf(news.ECONFLICT,
				"record %d: the article was changed by someone else (version %d, you edited version %d)",
				i, st.version, r.ExpectVersion)
		}
		status := r.Status
		if status == "" {
			status = news.StatusPublished
		}
		if !st.everPublished {
			st.planDay = r.URLDate()
		}
		plans[i] = plan{status: status, day: st.planDay, version: st.version + 1,
			wasPublished: st.everPublished, everPublished: st.everPublished || status == news.StatusPublished}
		st.version, st.everPublished = plans[i].version, plans[i].everPublished
		if st.ext != "" && byExt[st.ext] == id {
			delete(byExt, st.ext)
		}
		st.ext = r.ExternalID
		if st.ext != "" {
			byExt[st.ext] = id
		}
		target[i] = id
	}
	newIDs := make([]int64, 0, newCount)
	if newCount > 0 {
		rows, err := tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence('articles', 'id'))
			FROM generate_series(1, $1)`, newCount)
		if err != nil {
			return news.SaveResult{}, fmt.Errorf("new ids: %w", err)
		}
		newIDs, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return news.SaveResult{}, fmt.Errorf("new ids: %w", err)
		}
		if len(newIDs) != newCount {
			return news.SaveResult{}, fmt.Errorf("new ids: got %d, want %d", len(newIDs), newCount)
		}
	}
	realID := func(id int64) int64 {
		if id < 0 {
			return newIDs[-id-1]
		}
		return id
	}

	// The slugs in use on every (section, URL date) the records touch.
	groups := map[group]map[string]int64{}
	var gSections []int64
	var gDays []time.Time
	addGroup := func(g group) {
		if _, ok := groups[g]; !ok {
			groups[g] = map[string]int64{}
			gSections = append(gSections, g.sectionID)
			gDays = append(gDays, g.day)
		}
	}
	for i := range records {
		addGroup(group{sectionIDs[records[i].Section.Slug], plans[i].day})
	}
	rows, err := tx.Query(ctx, `SELECT a.id, a.section_id, a.url_date, a.slug FROM articles a
		JOIN unnest($1::bigint[], $2::date[]) AS g(section_id, url_date)
		ON a.section_id = g.section_id AND a.url_date = g.url_date`, gSections, gDays)
	if err != nil {
		return news.SaveResult{}, fmt.Errorf("check slugs: %w", err)
	}
	for rows.Next() {
		var id int64
		var g group
		var slug string
		if err := rows.Scan(&id, &g.sectionID, &g.day, &slug); err != nil {
			rows.Close()
			return news.SaveResult{}, fmt.Errorf("check slugs: %w", err)
		}
		g.day = utcDate(g.day)
		groups[g][slug] = id
	}
	if err := rows.Err(); err != nil {
		return news.SaveResult{}, fmt.Errorf("check slugs: %w", err)
	}

	// Pass 2: slugs, and the writes, in record order, into one pipelined
	// batch. A record that keeps a revision reads the stored article first,
	// so the writes queued before it are sent then.
	res := news.SaveResult{IDs: make([]int64, len(records)), Created: created}
	now := second(time.Now())
	w := &writer{ctx: ctx, tx: tx, b: &pgx.Batch{}}
	for i := range records {
		r := &records[i]
		pl := plans[i]
		tid := target[i]
		id := realID(tid)
		st := known[tid]
		sectionID := sectionIDs[r.Section.Slug]
		g := group{sectionID, pl.day}
		taken := groups[g]
		slug := freeSlug(taken, r.Slug, tid)
		fresh := st.pending
		if !fresh {
			if old := groups[group{st.sectionID, st.day}]; old != nil && old[st.slug] == tid {
				delete(old, st.slug)
			}
		}
		taken[slug] = tid

		revisions := 0
		if r.Revision != nil {
			if revisions, err = w.revisionCount(id, fresh); err != nil {
				return news.SaveResult{}, err
			}
			if revisions == 0 && !fresh {
				// The state before the first edit in the newsroom (an
				// imported article) is kept as revision 1.
				if err := w.keepFirstRevision(id); err != nil {
					return news.SaveResult{}, err
				}
				revisions = 1
			}
		}

		updated := now
		if !r.UpdatedAt.IsZero() {
			updated = second(r.UpdatedAt)
		}
		image, err := imageJSON(r.Image)
		if err != nil {
			return news.SaveResult{}, fmt.Errorf("record %d: %w", i, err)
		}
		seo, err := news.EncodeSEO(r.SEO)
		if err != nil {
			return news.SaveResult{}, fmt.Errorf("record %d: %w", i, err)
		}
		args := []any{id, r.ExternalID, r.SourceURL, r.Source, sectionID, pl.day, slug,
			r.Title, r.Abstract, r.Body, r.Dateline, second(r.PublishedAt), updated,
			searchVector(r.SearchTitle, r.SearchBody, pl.status),
			string(pl.status), pl.version, r.TimeSet, pl.everPublished, r.CreatedBy, image, r.BodySource, seo}
		if fresh {
			w.b.Queue(insertArticleSQL, args...)
		} else {
			w.b.Queue(updateArticleSQL, args...)
			w.b.Queue(`DELETE FROM article_authors WHERE article_id = $1`, id)
			if st.hasTags {
				w.b.Queue(`DELETE FROM article_tags WHERE article_id = $1`, id)
			}
			// The text changed, so the "you may also read" list is recomputed.
			w.b.Queue(`DELETE FROM related WHERE article_id = $1`, id)
		}
		if credit := slugIDs(r.Authors, authorIDs, func(au news.Author) string { return au.Slug }); len(credit) > 0 {
			w.b.Queue(`INSERT INTO article_authors (article_id, author_id, position)
				SELECT $1, x.author_id, x.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(author_id, n)`, id, credit)
		}
		if tagged := slugIDs(r.Tags, tagIDs, func(t news.Tag) string { return t.Slug }); len(tagged) > 0 {
			w.b.Queue(`INSERT INTO article_tags (article_id, tag_id, position)
				SELECT $1, x.tag_id, x.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(tag_id, n)`, id, tagged)
			st.hasTags = true
		}

		// Redirects: the record's old paths, and the article's previous
		// path when a public article moves; never its own new path.
		newPath := news.Article{Slug: slug, Section: r.Section, FirstPublished: pl.day}.Path()
		for _, p := range r.OldPaths {
			w.redirect(p, id)
		}
		if !fresh && pl.wasPublished {
			w.redirect(news.Article{Slug: st.slug, Section: news.Section{Slug: st.sectionSlug}, FirstPublished: st.day}.Path(), id)
		}
		w.redirect(newPath, 0)

		if r.Revision != nil {
			a := r.Article
			a.Slug, a.Status = slug, pl.status
			if err := w.queueRevision(id, revisions+1, now, *r.Revision, a.RevisionData()); err != nil {
				return news.SaveResult{}, err
			}
		}
		if r.Comments != nil {
			// Replaces the stored comments; a new article has none.
			queueComments(w.b, id, r.Comments, !fresh)
		}
		if r.Event != nil {
			ev := *r.Event
			if ev.At.IsZero() {
				ev.At = now
			}
			queueEvent(w.b, id, ev)
		}

		st.slug, st.sectionID, st.sectionSlug, st.day, st.pending = slug, sectionID, r.Section.Slug, pl.day, false
		res.IDs[i] = id
		// A whole WordPress export is one call: sending it as one batch
		// grew pgx's buffers by copying (a third of the CPU time of a
		// 20,000-post import). Send it in slices within the transaction.
		if w.b.Len() >= flushStatements {
			if err := w.flush(); err != nil {
				return news.SaveResult{}, err
			}
		}
	}
	if err := w.finish(); err != nil {
		return news.SaveResult{}, err
	}
	return res, nil
}

// flushStatements is the size at which a pipelined batch is sent.
const flushStatements = 2000

// slugIDs returns the ids of the distinct slugs of list, in order.
func slugIDs[T any](list []T, ids map[string]int64, slug func(T) string) []int64 {
	if len(list) == 0 {
		return nil
	}
	out := make([]int64, 0, len(list))
	// by id: two slugs may name one row (bylines "أحمد" and "احمد")
	seen := make(map[int64]bool, len(list))
	for _, v := range list {
		if id := ids[slug(v)]; !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// writer queues the writes of one SaveArticles call in a pipelined batch.
type writer struct {
	ctx context.Context
	tx  pgx.Tx
	b   *pgx.Batch

	// The redirects the records set (to an article id) or clear (0), by
	// path, the last word on each path winning: written at the end in two
	// statements, whatever the number of records. Nothing reads redirects
	// meanwhile, so this is the same as writing each in turn.
	redirects map[string]int64
	paths     []string // the keys of redirects, in order
}

// redirect makes the old URL path (in any form news.RedirectKey reads)
// lead to article id, or to nothing when id is 0.
func (w *writer) redirect(path string, id int64) {
	k := news.RedirectKey(path)
	if k == "" {
		return
	}
	if w.redirects == nil {
		w.redirects = map[string]int64{}
	}
	if _, ok := w.redirects[k]; !ok {
		w.paths = append(w.paths, k)
	}
	w.redirects[k] = id
}

// flush sends the writes queued so far.
func (w *writer) flush() error {
	if w.b.Len() == 0 {
		return nil
	}
	b := w.b
	w.b = &pgx.Batch{}
	if err := w.tx.SendBatch(w.ctx, b).Close(); err != nil {
		return fmt.Errorf("write articles: %w", err)
	}
	return nil
}

// finish queues the redirects and sends the batch.
func (w *writer) finish() error {
	var clear, set []string
	var to []int64
	for _, k := range w.paths {
		if id := w.redirects[k]; id == 0 {
			clear = append(clear, k)
		} else {
			set = append(set, k)
			to = append(to, id)
		}
	}
	if len(clear) > 0 {
		w.b.Queue(`DELETE FROM redirects WHERE path = ANY($1)`, clear)
	}
	if len(set) > 0 {
		w.b.Queue(`INSERT INTO redirects (path, article_id) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`, set, to)
	}
	return w.flush()
}

// revisionCount sends the queued writes and returns the number of the last
// revision of article id (0 for a new article).
func (w *writer) revisionCount(id int64, fresh bool) (int, error) {
	if fresh {
		return 0, nil
	}
	if err := w.flush(); err != nil {
		return 0, err
	}
	var n int
	if err := w.tx.QueryRow(w.ctx, `SELECT COALESCE(max(number), 0) FROM revisions WHERE article_id = $1`, id).Scan(&n); err != nil {
		return 0, fmt.Errorf("count revisions of article %d: %w", id, err)
	}
	return n, nil
}

// keepFirstRevision queues the stored state of article id as its
// revision 1, dated from its last update.
func (w *writer) keepFirstRevision(id int64) error {
	list, err := queryArticles(w.ctx, w.tx, `SELECT `+articleColumns+articleFrom+`WHERE a.id = $1`, id)
	if err != nil || len(list) == 0 {
		return fmt.Errorf("read article %d before its first edit: %w", id, err)
	}
	a := list[0]
	return w.queueRevision(id, 1, a.UpdatedAt, news.RevisionMeta{Note: news.FirstRevisionNote}, a.RevisionData())
}

func (w *writer) queueRevision(id int64, number int, at time.Time, meta news.RevisionMeta, data news.RevisionData) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode revision: %w", err)
	}
	w.b.Queue(`INSERT INTO revisions (article_id, number, at, user_id, user_name, note, data)
		VALUES ($1, $2, $3, NULLIF($4::bigint, 0), $5, $6, $7::jsonb)`,
		id, number, second(at), meta.UserID, meta.UserName, meta.Note, string(b))
	return nil
}

const insertEventSQL = `INSERT INTO events (article_id, at, user_id, user_name, action, from_status, to_status, note)
	VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5, $6, $7, $8)`

// queueEvent queues the insertion of a workflow event of article id.
func queueEvent(b *pgx.Batch, id int64, ev news.Event) {
	b.Queue(insertEventSQL, id, second(ev.At), ev.UserID, ev.UserName, ev.Action, string(ev.From), string(ev.To), ev.Note)
}

// queueComments queues the writes that store list as the comments of
// article id, in order, after deleting its stored ones when replace is set:
// two statements whatever the number of comments.
func queueComments(b *pgx.Batch, id int64, list []news.Comment, replace bool) {
	if replace {
		// Those written on this site stay.
		b.Queue(`DELETE FROM comments WHERE article_id = $1 AND external_id NOT LIKE '`+news.LocalCommentPrefix+`%'`, id)
	}
	if len(list) == 0 {
		return
	}
	n := len(list)
	ext, parent, author, email, url, text := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n)
	at := make([]time.Time, n)
	status := make([]string, n)
	for i, c := range list {
		ext[i], parent[i], author[i], email[i], url[i], text[i] = c.ExternalID, c.ParentID, c.Author,
			c.AuthorEmail, c.AuthorURL, c.Text
		at[i], status[i] = second(c.At), string(c.Status.OrPending())
	}
	// Ordered by position, so that ids follow the list's order.
	b.Queue(`INSERT INTO comments (article_id, external_id, parent_id, author, author_email, author_url, at, text, status)
		SELECT $1, c.ext, c.parent, c.author, c.email, c.url, c.at, c.body, c.status
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[])
			WITH ORDINALITY AS c(ext, parent, author, email, url, at, body, status, n)
		ORDER BY c.n`, id, ext, parent, author, email, url, at, text, status)
}

// Both write every column; $1 is the id and $14 the search vector of the
// analyzed title and body, built by searchVector.
const (
	searchVectorSQL  = `$14::tsvector`
	insertArticleSQL = `INSERT INTO articles (id, external_id, source_url, source, section_id, url_date, slug,
		title, abstract, body, dateline, published_at, updated_at, search_vector,
		status, version, time_set, ever_published, created_by, image, body_source, seo)
		VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ` + searchVectorSQL + `,
		$15, $16, $17, $18, NULLIF($19::bigint, 0), $20, $21, $22)`
	updateArticleSQL = `UPDATE articles SET external_id = NULLIF($2, ''), source_url = $3, source = $4,
		section_id = $5, url_date = $6, slug = $7, title = $8, abstract = $9, body = $10, dateline = $11,
		published_at = $12, updated_at = $13, search_vector = ` + searchVectorSQL + `,
		status = $15, version = $16, time_set = $17, ever_published = $18, created_by = NULLIF($19::bigint, 0),
		image = $20, body_source = $21, seo = $22 WHERE id = $1`
)

// freeSlug returns slug, or slug-2, slug-3… when another article than
// self already uses it in taken (the slugs of one section and URL date).
func freeSlug(taken map[string]int64, slug string, self int64) string {
	free := func(s string) bool { id, ok := taken[s]; return !ok || id == self }
	if free(slug) {
		return slug
	}
	for n := 2; ; n++ {
		if c := slug + "-" + strconv.Itoa(n); free(c) {
			return c
		}
	}
}

// namedSet is the sections, authors or tags (table) of a batch by slug,
// with the names given; upsertNamed fills ids.
type namedSet struct {
	table string
	names map[string]string
	ids   map[string]int64
}

// upsertNamed finds or creates the sections, authors or tags of each set by
// slug, setting the names given (an empty name keeps a stored one, and
// names a new row after its slug), and fills the sets' ids, in one round
// trip.
func upsertNamed(ctx context.Context, tx pgx.Tx, sets ...*namedSet) error {
	b := &pgx.Batch{}
	for _, set := range sets {
		set.ids = make(map[string]int64, len(set.names))
		if len(set.names) == 0 {
			continue
		}
		var slugs, named, namedNames, bare []string
		for slug := range set.names {
			slugs = append(slugs, slug)
		}
		slices.Sort(slugs) // a stable order of row locks
		for _, slug := range slugs {
			if n := set.names[slug]; n != "" {
				named = append(named, slug)
				namedNames = append(namedNames, n)
			} else {
				bare = append(bare, slug)
			}
		}
		// table is one of three constants, never input.
		table, ids := set.table, set.ids
		if len(named) > 0 {
			b.Queue(`INSERT INTO `+table+` (slug, name) SELECT * FROM unnest($1::text[], $2::text[])
				ON CONFLICT (slug) DO UPDATE SET name = excluded.name WHERE `+table+`.name <> excluded.name`, named, namedNames)
		}
		if len(bare) > 0 {
			b.Queue(`INSERT INTO `+table+` (slug, name) SELECT s, s FROM unnest($1::text[]) AS s
				ON CONFLICT (slug) DO NOTHING`, bare)
		}
		b.Queue(`SELECT slug, id FROM `+table+` WHERE slug = ANY($1)`, slugs).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var slug string
				var id int64
				if err := rows.Scan(&slug, &id); err != nil {
					return err
				}
				ids[slug] = id
			}
			return rows.Err()
		})
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("sections, authors and tags: %w", err)
	}
	for _, set := range sets {
		if len(set.ids) != len(set.names) {
			return fmt.Errorf("upsert %s: %d of %d rows found", set.table, len(set.ids), len(set.names))
		}
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// utcDate is the calendar date of a date column as UTC midnight.
func utcDate(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
