package postgres

import (
	"context"
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
// sections and authors are upserted together, the stored articles the
// records touch and the slugs of their (section, URL date) pairs are read
// at once, new articles get ids from the sequence up front, the decisions
// (create or update, free slug) are made in Go on that state, and the
// writes go in one pipelined pgx batch. A transaction-level advisory lock
// serializes SaveArticles calls on the same schema across all nodes, as the
// single SQLite writer does, so that the state read at the start stays
// true and two servers cannot pick the same free slug.
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

// stored is what the saver knows of a stored (or being stored) article.
type stored struct {
	day       time.Time
	sectionID int64
	slug      string
	ext       string
	pending   bool // created by this batch and not yet inserted
}

type group struct {
	sectionID int64
	day       time.Time
}

func saveArticles(ctx context.Context, tx pgx.Tx, records []news.ArticleRecord) (news.SaveResult, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, lockWrite); err != nil {
		return news.SaveResult{}, fmt.Errorf("lock: %w", err)
	}

	// Sections and authors: the last non-empty name given in the batch wins;
	// a new row without a name is named after its slug.
	secNames, autNames := map[string]string{}, map[string]string{}
	for i := range records {
		r := &records[i]
		secNames[r.Section.Slug] = cmpOr(r.Section.Name, secNames[r.Section.Slug])
		for _, au := range r.Authors {
			autNames[au.Slug] = cmpOr(au.Name, autNames[au.Slug])
		}
	}
	sectionIDs, err := upsertNamed(ctx, tx, "sections", secNames)
	if err != nil {
		return news.SaveResult{}, fmt.Errorf("sections: %w", err)
	}
	authorIDs, err := upsertNamed(ctx, tx, "authors", autNames)
	if err != nil {
		return news.SaveResult{}, fmt.Errorf("authors: %w", err)
	}

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
	rows, err := tx.Query(ctx, `SELECT id, url_date, section_id, slug, COALESCE(external_id, '')
		FROM articles WHERE external_id = ANY($1) OR id = ANY($2)`, exts, ids)
	if err != nil {
		return news.SaveResult{}, fmt.Errorf("find stored articles: %w", err)
	}
	for rows.Next() {
		var id int64
		st := &stored{}
		if err := rows.Scan(&id, &st.day, &st.sectionID, &st.slug, &st.ext); err != nil {
			rows.Close()
			return news.SaveResult{}, fmt.Errorf("find stored articles: %w", err)
		}
		st.day = utcDate(st.day)
		known[id] = st
		if st.ext != "" {
			byExt[st.ext] = id
		}
	}
	if err := rows.Err(); err != nil {
		return news.SaveResult{}, fmt.Errorf("find stored articles: %w", err)
	}

	// Pass 1: which record creates and which updates (by external id first,
	// then by id), in order; new articles get placeholder ids -1, -2…
	target := make([]int64, len(records))
	created := make([]bool, len(records))
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
		addGroup(group{sectionIDs[records[i].Section.Slug], known[target[i]].day})
	}
	rows, err = tx.Query(ctx, `SELECT a.id, a.section_id, a.url_date, a.slug FROM articles a
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

	// Pass 2: slugs, and the writes, in record order.
	res := news.SaveResult{IDs: make([]int64, len(records)), Created: created}
	now := second(time.Now())
	b := &pgx.Batch{}
	for i := range records {
		r := &records[i]
		tid := target[i]
		id := realID(tid)
		st := known[tid]
		sectionID := sectionIDs[r.Section.Slug]
		g := group{sectionID, st.day}
		taken := groups[g]
		slug := freeSlug(taken, r.Slug, tid)
		if !st.pending {
			if old := groups[group{st.sectionID, st.day}]; old != nil && old[st.slug] == tid {
				delete(old, st.slug)
			}
		}
		taken[slug] = tid
		fresh := st.pending
		st.slug, st.sectionID, st.pending = slug, sectionID, false

		updated := now
		if !r.UpdatedAt.IsZero() {
			updated = second(r.UpdatedAt)
		}
		args := []any{id, r.ExternalID, r.SourceURL, r.Source, sectionID, st.day, slug,
			r.Title, r.Abstract, r.Body, r.Dateline, second(r.PublishedAt), updated,
			vectorLiteral(r.SearchTitle, r.SearchBody)}
		if fresh {
			b.Queue(insertArticleSQL, args...)
		} else {
			b.Queue(updateArticleSQL, args...)
			b.Queue(`DELETE FROM article_authors WHERE article_id = $1`, id)
			// The text changed, so the "you may also read" list is recomputed.
			b.Queue(`DELETE FROM related WHERE article_id = $1`, id)
		}
		var credit []int64
		seen := make(map[string]bool, len(r.Authors))
		for _, au := range r.Authors {
			if !seen[au.Slug] {
				seen[au.Slug] = true
				credit = append(credit, authorIDs[au.Slug])
			}
		}
		if len(credit) > 0 {
			b.Queue(`INSERT INTO article_authors (article_id, author_id, position)
				SELECT $1, x.author_id, x.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(author_id, n)`, id, credit)
		}
		res.IDs[i] = id
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return news.SaveResult{}, fmt.Errorf("write articles: %w", err)
	}
	return res, nil
}

// Both write every column; $1 is the id and $14 the search vector of the
// analyzed title and body, built by vectorLiteral.
const (
	searchVectorSQL  = `$14::tsvector`
	insertArticleSQL = `INSERT INTO articles (id, external_id, source_url, source, section_id, url_date, slug,
		title, abstract, body, dateline, published_at, updated_at, search_vector)
		VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ` + searchVectorSQL + `)`
	updateArticleSQL = `UPDATE articles SET external_id = NULLIF($2, ''), source_url = $3, source = $4,
		section_id = $5, url_date = $6, slug = $7, title = $8, abstract = $9, body = $10, dateline = $11,
		published_at = $12, updated_at = $13, search_vector = ` + searchVectorSQL + ` WHERE id = $1`
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

// upsertNamed finds or creates the sections or authors (table) by slug,
// setting the names given (an empty name keeps a stored one, and names a
// new row after its slug), and returns their ids by slug.
func upsertNamed(ctx context.Context, tx pgx.Tx, table string, names map[string]string) (map[string]int64, error) {
	if len(names) == 0 {
		return map[string]int64{}, nil
	}
	var slugs, named, namedNames, bare []string
	for slug := range names {
		slugs = append(slugs, slug)
	}
	slices.Sort(slugs) // a stable order of row locks
	for _, slug := range slugs {
		if n := names[slug]; n != "" {
			named = append(named, slug)
			namedNames = append(namedNames, n)
		} else {
			bare = append(bare, slug)
		}
	}
	// table is one of two constants, never input.
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO `+table+` (slug, name) SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name WHERE `+table+`.name <> excluded.name`, named, namedNames)
	b.Queue(`INSERT INTO `+table+` (slug, name) SELECT s, s FROM unnest($1::text[]) AS s
		ON CONFLICT (slug) DO NOTHING`, bare)
	ids := make(map[string]int64, len(slugs))
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
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	if len(ids) != len(slugs) {
		return nil, fmt.Errorf("upsert %s: %d of %d rows found", table, len(ids), len(slugs))
	}
	return ids, nil
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
