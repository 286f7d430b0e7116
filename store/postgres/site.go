package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"sahafa/news"
)

// Comments returns an article's comments, oldest first.
func (s *Store) Comments(ctx context.Context, articleID int64) ([]news.Comment, error) {
	var out []news.Comment
	err := s.read(ctx, "list comments", func(ctx context.Context, c querier) error {
		ex := map[int64]news.ArticleExtras{}
		if err := extrasStep(ctx, c, commentsStep, []int64{articleID}, ex); err != nil {
			return err
		}
		out = ex[articleID].Comments
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Extras returns the history, corrections, old paths, related list and
// comments of the given articles, with one query per kind, in one
// snapshot.
func (s *Store) Extras(ctx context.Context, ids []int64) (map[int64]news.ArticleExtras, error) {
	out := make(map[int64]news.ArticleExtras, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	err := s.readTx(ctx, "read article extras", func(ctx context.Context, tx pgx.Tx) error {
		for _, st := range extrasSteps {
			if err := extrasStep(ctx, tx, st, ids, out); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// An extrasQuery selects one kind of extras of the articles whose ids are
// $1; its first column is the article id, and scan reads the rest of a row
// into e (an item of that kind).
type extrasQuery struct {
	query string
	scan  func(row pgx.Rows, id *int64, e *news.ArticleExtras) error
}

// The orders are those of the SQLite store (paths in byte order), so that
// both export the same site the same way.
var (
	revisionsStep = extrasQuery{`SELECT article_id, id, number, at, COALESCE(user_id, 0), user_name, note, data
		FROM revisions WHERE article_id = ANY($1) ORDER BY article_id, number`,
		func(rows pgx.Rows, id *int64, e *news.ArticleExtras) error {
			var r news.Revision
			var data []byte
			if err := rows.Scan(id, &r.ID, &r.Number, &r.At, &r.UserID, &r.UserName, &r.Note, &data); err != nil {
				return err
			}
			r.ArticleID, r.At = *id, r.At.UTC()
			if err := json.Unmarshal(data, &r.Data); err != nil {
				return fmt.Errorf("revision %d of article %d: %w", r.Number, *id, err)
			}
			e.Revisions = []news.Revision{r}
			return nil
		}}
	eventsStep = extrasQuery{`SELECT article_id, id, at, COALESCE(user_id, 0), user_name, action, from_status,
			to_status, note
		FROM events WHERE article_id = ANY($1) ORDER BY article_id, id`,
		func(rows pgx.Rows, id *int64, e *news.ArticleExtras) error {
			var ev news.Event
			var from, to string
			if err := rows.Scan(id, &ev.ID, &ev.At, &ev.UserID, &ev.UserName, &ev.Action, &from, &to, &ev.Note); err != nil {
				return err
			}
			ev.ArticleID, ev.At, ev.From, ev.To = *id, ev.At.UTC(), news.Status(from), news.Status(to)
			e.Events = []news.Event{ev}
			return nil
		}}
	correctionsStep = extrasQuery{`SELECT article_id, id, at, text, COALESCE(user_id, 0)
		FROM corrections WHERE article_id = ANY($1) ORDER BY article_id, at, id`,
		func(rows pgx.Rows, id *int64, e *news.ArticleExtras) error {
			var c news.Correction
			if err := rows.Scan(id, &c.ID, &c.At, &c.Text, &c.UserID); err != nil {
				return err
			}
			c.ArticleID, c.At = *id, c.At.UTC()
			e.Corrections = []news.Correction{c}
			return nil
		}}
	redirectsStep = extrasQuery{`SELECT article_id, path FROM redirects
		WHERE article_id = ANY($1) ORDER BY article_id, path COLLATE "C"`,
		func(rows pgx.Rows, id *int64, e *news.ArticleExtras) error {
			var p string
			if err := rows.Scan(id, &p); err != nil {
				return err
			}
			e.OldPaths = []string{p}
			return nil
		}}
	relatedStep = extrasQuery{`SELECT article_id, related_id FROM related
		WHERE article_id = ANY($1) ORDER BY article_id, rank`,
		func(rows pgx.Rows, id *int64, e *news.ArticleExtras) error {
			var r int64
			if err := rows.Scan(id, &r); err != nil {
				return err
			}
			e.Related = []int64{r}
			return nil
		}}
	commentsStep = extrasQuery{`SELECT article_id, id, external_id, parent_id, author, author_email, author_url,
			at, text, status, COALESCE(user_id, 0)
		FROM comments WHERE article_id = ANY($1) ORDER BY article_id, at, id`,
		func(rows pgx.Rows, id *int64, e *news.ArticleExtras) error {
			var c news.Comment
			if err := rows.Scan(id, &c.ID, &c.ExternalID, &c.ParentID, &c.Author, &c.AuthorEmail, &c.AuthorURL,
				&c.At, &c.Text, &c.Status, &c.UserID); err != nil {
				return err
			}
			c.ArticleID, c.At = *id, c.At.UTC()
			e.Comments = []news.Comment{c}
			return nil
		}}
	extrasSteps = []extrasQuery{revisionsStep, eventsStep, correctionsStep, redirectsStep, relatedStep, commentsStep}
)

// extrasStep runs one extras query and appends its items to out.
func extrasStep(ctx context.Context, q querier, st extrasQuery, ids []int64, out map[int64]news.ArticleExtras) error {
	rows, err := q.Query(ctx, st.query, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e news.ArticleExtras
		if err := st.scan(rows, &id, &e); err != nil {
			return err
		}
		cur := out[id]
		cur.Revisions = append(cur.Revisions, e.Revisions...)
		cur.Events = append(cur.Events, e.Events...)
		cur.Corrections = append(cur.Corrections, e.Corrections...)
		cur.OldPaths = append(cur.OldPaths, e.OldPaths...)
		cur.Related = append(cur.Related, e.Related...)
		cur.Comments = append(cur.Comments, e.Comments...)
		out[id] = cur
	}
	return rows.Err()
}

// restoreLockWait bounds how long BeginRestore waits for the write lock
// held by a SaveArticles call or another restore: long enough for any
// import batch to commit, short enough that a second restore started while
// one runs (which holds the lock until its end) fails soon with ECONFLICT
// rather than hanging, only to find the site full afterwards.
var restoreLockWait = 30 * time.Second

// identityTables are the tables with an identity id column: after a
// restore, which writes ids of its own, their sequences move past the
// largest id.
var identityTables = []string{"sections", "authors", "articles", "pages", "users", "sessions", "tags", "revisions",
	"events", "corrections", "media", "media_files", "comments"}

// restorer writes a whole-site export in one transaction, on a pooled
// connection it holds from BeginRestore to Commit or Rollback, under the
// write advisory lock of the schema: SaveArticles calls wait until the
// restore ends. A restorer is used by one goroutine at a time.
type restorer struct {
	ctx  context.Context
	conn *pgxpool.Conn
	tx   pgx.Tx

	sections, authors, tags map[string]int64 // ids by slug
	related                 []relatedList    // written at Commit, when every article exists
	err                     error            // the first failure: the transaction is aborted
	done                    bool
}

type relatedList struct {
	id   int64
	list []int64
}

// BeginRestore starts restoring a whole-site export into this schema,
// which must hold no article, user or media (ECONFLICT otherwise). It
// waits up to restoreLockWait for the write lock (a running SaveArticles
// batch, another restore); a restore still running then is ECONFLICT. A
// second restore that gets the lock after the first one committed finds
// the site full: ECONFLICT too.
func (s *Store) BeginRestore(ctx context.Context) (news.Restorer, error) {
	const op = "begin restore"
	c, err := s.acquire(ctx, op)
	if err != nil {
		return nil, err
	}
	tx, err := c.Begin(ctx)
	if err != nil {
		c.Release()
		return nil, wrapErr(ctx, op, err)
	}
	fail := func(err error) (news.Restorer, error) {
		tx.Rollback(context.WithoutCancel(ctx))
		c.Release()
		return nil, wrapErr(ctx, op, err)
	}
	if err := waitWriteLock(ctx, tx, restoreLockWait); err != nil {
		return fail(err)
	}
	// Read after taking the lock (a new snapshot at read committed): a
	// batch that committed meanwhile is seen.
	var n int64
	if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM users)
		+ (SELECT count(*) FROM media)`).Scan(&n); err != nil {
		return fail(err)
	}
	if n > 0 {
		return fail(news.Errorf(news.ECONFLICT, "the site is not empty (it holds articles, users or images): restore into a new one"))
	}
	return &restorer{ctx: ctx, conn: c, tx: tx,
		sections: map[string]int64{}, authors: map[string]int64{}, tags: map[string]int64{}}, nil
}

// waitWriteLock takes the transaction-level write lock of the schema,
// trying again for up to wait while another transaction holds it.
func waitWriteLock(ctx context.Context, tx pgx.Tx, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	delay := 10 * time.Millisecond
	for {
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema()))`,
			lockWrite).Scan(&ok); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if ok {
			return nil
		}
		if !time.Now().Before(deadline) {
			return news.Errorf(news.ECONFLICT, "another restore or import is writing to this site: try again when it has ended")
		}
		t := time.NewTimer(min(delay, time.Until(deadline)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(2*delay, 250*time.Millisecond)
	}
}

// run sends b in the restore's transaction; after a failure every call
// fails with it.
func (r *restorer) run(op string, b *pgx.Batch) error {
	if r.err != nil {
		return r.err
	}
	if r.done {
		return news.Errorf(news.EINVALID, "restore already finished")
	}
	if b.Len() == 0 {
		return nil
	}
	if err := r.tx.SendBatch(r.ctx, b).Close(); err != nil {
		r.err = wrapErr(r.ctx, op, err)
		return r.err
	}
	return nil
}

func (r *restorer) Users(users []news.User) error {
	b := &pgx.Batch{}
	for _, u := range users {
		if err := news.CheckUser(u); err != nil {
			return err
		}
		if u.ID <= 0 {
			return news.Errorf(news.EINVALID, "user %s has no id", u.Email)
		}
		b.Queue(`INSERT INTO users (id, email, name, role, password_hash, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.Email, u.Name, string(u.Role), u.PasswordHash,
			u.Disabled, second(u.CreatedAt), second(u.UpdatedAt))
	}
	return r.run("restore users", b)
}

func (r *restorer) Sections(secs []news.Section) error {
	return named(r, "sections", r.sections, secs, func(s news.Section) (int64, string, string) { return s.ID, s.Slug, s.Name })
}

func (r *restorer) Tags(tags []news.Tag) error {
	return named(r, "tags", r.tags, tags, func(t news.Tag) (int64, string, string) { return t.ID, t.Slug, t.Name })
}

// named inserts sections or tags (table) with their ids.
func named[T any](r *restorer, table string, cache map[string]int64, list []T, fields func(T) (int64, string, string)) error {
	b := &pgx.Batch{}
	for _, v := range list {
		id, slug, name := fields(v)
		if id <= 0 || slug == "" || name == "" {
			return news.Errorf(news.EINVALID, "%s %d %q: id, slug and name are required", table, id, slug)
		}
		// table is a constant, never input.
		b.Queue(`INSERT INTO `+table+` (id, slug, name) VALUES ($1, $2, $3)`, id, slug, name)
	}
	if err := r.run("restore "+table, b); err != nil {
		return err
	}
	for _, v := range list {
		id, slug, _ := fields(v)
		cache[slug] = id
	}
	return nil
}

func (r *restorer) Media(m news.Media, files []news.MediaFile) error {
	if err := news.CheckMedia(m, files); err != nil {
		return err
	}
	if m.ID <= 0 {
		return news.Errorf(news.EINVALID, "image without an id")
	}
	variants, err := json.Marshal(m.Variants)
	if err != nil {
		return fmt.Errorf("encode variants: %w", err)
	}
	n := len(files)
	widths, heights := make([]int, n), make([]int, n)
	types, exts := make([]string, n), make([]string, n)
	data := make([][]byte, n)
	for i, f := range files {
		widths[i], heights[i], types[i], exts[i], data[i] = f.Width, f.Height, f.ContentType, f.Ext, f.Data
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO media (id, created_at, user_id, alt, caption, credit, format, width, height, variants)
		VALUES ($1, $2, NULLIF($3::bigint, 0), $4, $5, $6, $7, $8, $9, $10::jsonb)`, m.ID, second(m.CreatedAt),
		m.UserID, m.Alt, m.Caption, m.Credit, m.Format, m.Width, m.Height, string(variants))
	if n > 0 {
		b.Queue(`INSERT INTO media_files (media_id, width, height, content_type, ext, data)
			SELECT $1, f.* FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::bytea[]) AS f`,
			m.ID, widths, heights, types, exts, data)
	}
	return r.run(fmt.Sprintf("restore image %d", m.ID), b)
}

// Articles writes a batch of articles with their extras: a round trip for
// the sections, authors and tags not seen yet (if any), and one for the
// rest.
func (r *restorer) Articles(arts []news.RestoredArticle) error {
	for i := range arts {
		a := &arts[i].ArticleRecord
		if err := validate(i, a); err != nil {
			return err
		}
		if a.ID <= 0 {
			return news.Errorf(news.EINVALID, "record %d: a restored article needs its id", i)
		}
	}
	if err := r.newNamed(arts); err != nil {
		return err
	}
	b := &pgx.Batch{}
	redirects := map[string]int64{} // the last article named wins, as in a run of single inserts
	var paths []string
	for i := range arts {
		if err := r.queueArticle(b, &arts[i], redirects, &paths); err != nil {
			return err
		}
	}
	if len(paths) > 0 {
		to := make([]int64, len(paths))
		for i, p := range paths {
			to[i] = redirects[p]
		}
		b.Queue(`INSERT INTO redirects (path, article_id) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (path) DO UPDATE SET article_id = excluded.article_id`, paths, to)
	}
	return r.run(fmt.Sprintf("restore articles %d to %d", arts[0].ID, arts[len(arts)-1].ID), b)
}

// newNamed creates the sections, authors and tags the articles name that
// are not stored yet, keeping the ids the articles give them (the next
// free id when they give none, as SQLite would), in one round trip.
func (r *restorer) newNamed(arts []news.RestoredArticle) error {
	type pending struct {
		cache map[string]int64
		slug  string
		id    *int64
	}
	var todo []pending
	b := &pgx.Batch{}
	queued := map[[2]string]bool{} // table, slug
	add := func(table string, cache map[string]int64, id int64, slug, name string) {
		if _, ok := cache[slug]; ok || queued[[2]string{table, slug}] {
			return
		}
		queued[[2]string{table, slug}] = true
		p := pending{cache: cache, slug: slug, id: new(int64)}
		todo = append(todo, p)
		// table is a constant, never input. A new row without a name is
		// named after its slug.
		b.Queue(`INSERT INTO `+table+` (id, slug, name)
			VALUES (CASE WHEN $1::bigint > 0 THEN $1::bigint ELSE (SELECT COALESCE(max(id), 0) + 1 FROM `+table+`) END,
				$2, CASE WHEN $3 <> '' THEN $3 ELSE $2 END)
			ON CONFLICT (slug) DO UPDATE SET name = `+table+`.name RETURNING id`, id, slug, name).
			QueryRow(func(row pgx.Row) error { return row.Scan(p.id) })
	}
	for i := range arts {
		a := &arts[i]
		add("sections", r.sections, a.Section.ID, a.Section.Slug, a.Section.Name)
		for _, au := range a.Authors {
			add("authors", r.authors, au.ID, au.Slug, au.Name)
		}
		for _, t := range a.Tags {
			add("tags", r.tags, t.ID, t.Slug, t.Name)
		}
	}
	if err := r.run("restore sections, authors and tags", b); err != nil {
		return err
	}
	for _, p := range todo {
		p.cache[p.slug] = *p.id
	}
	return nil
}

// queueArticle queues the writes of one article and its extras but its
// redirects, which go in one statement per batch, and its related list,
// written at Commit.
func (r *restorer) queueArticle(b *pgx.Batch, ra *news.RestoredArticle, redirects map[string]int64, paths *[]string) error {
	a := &ra.ArticleRecord
	id := a.ID
	status := a.Status
	if status == "" {
		status = news.StatusPublished
	}
	image, err := imageJSON(a.Image)
	if err != nil {
		return fmt.Errorf("article %d: %w", id, err)
	}
	seo, err := news.EncodeSEO(a.SEO)
	if err != nil {
		return fmt.Errorf("article %d: %w", id, err)
	}
	// The search vector is built as SaveArticles builds it, with the
	// hidden lexeme when readers may not see the article.
	b.Queue(insertArticleSQL, id, a.ExternalID, a.SourceURL, a.Source, r.sections[a.Section.Slug], a.URLDate(), a.Slug,
		a.Title, a.Abstract, a.Body, a.Dateline, second(a.PublishedAt), second(a.UpdatedAt),
		searchVector(a.SearchTitle, a.SearchBody, status),
		string(status), max(a.Version, 1), a.TimeSet, a.EverPublished, a.CreatedBy, image, a.BodySource, seo)
	if !a.DeletedAt.IsZero() {
		b.Queue(`UPDATE articles SET deleted_at = $1 WHERE id = $2`, second(a.DeletedAt), id)
	}
	if credit := slugIDs(a.Authors, r.authors, func(au news.Author) string { return au.Slug }); len(credit) > 0 {
		b.Queue(`INSERT INTO article_authors (article_id, author_id, position)
			SELECT $1, x.author_id, x.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(author_id, n)`, id, credit)
	}
	if tagged := slugIDs(a.Tags, r.tags, func(t news.Tag) string { return t.Slug }); len(tagged) > 0 {
		b.Queue(`INSERT INTO article_tags (article_id, tag_id, position)
			SELECT $1, x.tag_id, x.n - 1 FROM unnest($2::bigint[]) WITH ORDINALITY AS x(tag_id, n)`, id, tagged)
	}

	ex := &ra.Extras
	for _, rev := range ex.Revisions {
		data, err := json.Marshal(rev.Data)
		if err != nil {
			return fmt.Errorf("article %d: encode revision %d: %w", id, rev.Number, err)
		}
		b.Queue(`INSERT INTO revisions (article_id, number, at, user_id, user_name, note, data)
			VALUES ($1, $2, $3, NULLIF($4::bigint, 0), $5, $6, $7::jsonb)`,
			id, rev.Number, second(rev.At), rev.UserID, rev.UserName, rev.Note, string(data))
	}
	for _, ev := range ex.Events {
		queueEvent(b, id, ev)
	}
	for _, c := range ex.Corrections {
		b.Queue(`INSERT INTO corrections (article_id, at, text, user_id) VALUES ($1, $2, $3, NULLIF($4::bigint, 0))`,
			id, second(c.At), c.Text, c.UserID)
	}
	queueComments(b, id, ex.Comments, false)
	for _, p := range ex.OldPaths {
		if p == "" {
			continue
		}
		if _, ok := redirects[p]; !ok {
			*paths = append(*paths, p)
		}
		redirects[p] = id
	}
	if ex.Related != nil {
		r.related = append(r.related, relatedList{id, append([]int64(nil), ex.Related...)})
	}
	return nil
}

func (r *restorer) Settings(values map[string]string) error {
	if len(values) == 0 {
		return r.run("restore settings", &pgx.Batch{})
	}
	keys, vals := make([]string, 0, len(values)), make([]string, 0, len(values))
	for k, v := range values {
		keys, vals = append(keys, k), append(vals, v)
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO settings (key, value) SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keys, vals)
	return r.run("restore settings", b)
}

// Commit writes the related lists, moves the identity sequences past the
// restored ids and makes the whole restore visible, notifying the other
// nodes.
func (r *restorer) Commit() error {
	if r.done {
		return news.Errorf(news.EINVALID, "restore already finished")
	}
	if r.err != nil {
		err := r.err
		r.Rollback()
		return err
	}
	ctx := r.ctx
	if err := fillNameKeys(ctx, r.tx); err != nil {
		r.Rollback()
		return err
	}
	b := &pgx.Batch{}
	var ids, rel []int64
	var ranks []int
	for _, l := range r.related {
		for rank, rid := range l.list {
			ids, rel, ranks = append(ids, l.id), append(rel, rid), append(ranks, rank)
		}
	}
	if len(ids) > 0 {
		b.Queue(`INSERT INTO related (article_id, related_id, rank)
			SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[])`, ids, rel, ranks)
	}
	// Rows created after the restore take ids past the restored ones. The
	// sequences only move forward: setval is not undone by a rollback, and
	// a sequence already past the largest id stays where it is.
	for _, table := range identityTables {
		// table is a constant, never input.
		b.Queue(`SELECT setval(q.seq, q.m) FROM (
				SELECT pg_get_serial_sequence('` + table + `', 'id')::regclass AS seq,
					(SELECT max(id) FROM ` + table + `) AS m
			) q
			WHERE q.m > COALESCE((SELECT s.last_value FROM pg_sequences s
				WHERE s.schemaname = current_schema() AND format('%I.%I', s.schemaname, s.sequencename)::regclass = q.seq), 0)`)
	}
	// Delivered to the listeners at commit, as writeTx does.
	b.Queue(`SELECT pg_notify($1, current_schema())`, changesChannel)
	if err := r.run("finish restore", b); err != nil {
		r.Rollback()
		return err
	}
	r.done = true
	defer r.conn.Release()
	return wrapErr(ctx, "commit restore", r.tx.Commit(ctx))
}

// Rollback abandons the restore; the store stays empty.
func (r *restorer) Rollback() error {
	if r.done {
		return nil
	}
	r.done = true
	defer r.conn.Release()
	return wrapErr(r.ctx, "roll back restore", r.tx.Rollback(context.WithoutCancel(r.ctx)))
}
