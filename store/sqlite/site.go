package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"sahafa/arabic"
	"sahafa/news"
)

var _ news.SiteStore = (*Store)(nil)

// Comments returns an article's comments, oldest first.
func (s *Store) Comments(ctx context.Context, articleID int64) ([]news.Comment, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, wrapErr("list comments", err)
	}
	defer tx.Rollback()
	ex, err := extras(ctx, tx, []int64{articleID})
	if err != nil {
		return nil, wrapErr("list comments", err)
	}
	return ex[articleID].Comments, nil
}

// Extras returns the history, corrections, old paths, related list and
// comments of the given articles.
func (s *Store) Extras(ctx context.Context, ids []int64) (map[int64]news.ArticleExtras, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, wrapErr("read article extras", err)
	}
	defer tx.Rollback()
	out, err := extras(ctx, tx, ids)
	return out, wrapErr("read article extras", err)
}

// extras reads the extras of ids with one query per kind.
func extras(ctx context.Context, q querier, ids []int64) (map[int64]news.ArticleExtras, error) {
	out := make(map[int64]news.ArticleExtras, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	in := ` IN (SELECT value FROM json_each(?))`
	// Every query's first column is the article id; scan reads a row into
	// extras of one item, appended to the article's.
	each := func(query string, scan func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error) error {
		rows, err := q.QueryContext(ctx, query, string(list))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var e news.ArticleExtras
			if err := scan(rows, &id, &e); err != nil {
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
	steps := []struct {
		query string
		scan  func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error
	}{
		{`SELECT article_id, id, number, at, COALESCE(user_id, 0), user_name, note, data FROM revisions
			WHERE article_id` + in + ` ORDER BY article_id, number`, func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error {
			var r news.Revision
			var at int64
			var data string
			if err := rows.Scan(id, &r.ID, &r.Number, &at, &r.UserID, &r.UserName, &r.Note, &data); err != nil {
				return err
			}
			r.ArticleID, r.At = *id, fromUnix(at)
			if err := json.Unmarshal([]byte(data), &r.Data); err != nil {
				return fmt.Errorf("revision %d of article %d: %w", r.Number, *id, err)
			}
			e.Revisions = []news.Revision{r}
			return nil
		}},
		{`SELECT article_id, id, at, COALESCE(user_id, 0), user_name, action, from_status, to_status, note FROM events
			WHERE article_id` + in + ` ORDER BY article_id, id`, func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error {
			var ev news.Event
			var at int64
			if err := rows.Scan(id, &ev.ID, &at, &ev.UserID, &ev.UserName, &ev.Action, &ev.From, &ev.To, &ev.Note); err != nil {
				return err
			}
			ev.ArticleID, ev.At = *id, fromUnix(at)
			e.Events = []news.Event{ev}
			return nil
		}},
		{`SELECT article_id, id, at, text, COALESCE(user_id, 0) FROM corrections
			WHERE article_id` + in + ` ORDER BY article_id, at, id`, func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error {
			var c news.Correction
			var at int64
			if err := rows.Scan(id, &c.ID, &at, &c.Text, &c.UserID); err != nil {
				return err
			}
			c.ArticleID, c.At = *id, fromUnix(at)
			e.Corrections = []news.Correction{c}
			return nil
		}},
		{`SELECT article_id, path FROM redirects WHERE article_id` + in + ` ORDER BY article_id, path`,
			func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error {
				var p string
				if err := rows.Scan(id, &p); err != nil {
					return err
				}
				e.OldPaths = []string{p}
				return nil
			}},
		{`SELECT article_id, related_id FROM related WHERE article_id` + in + ` ORDER BY article_id, rank`,
			func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error {
				var r int64
				if err := rows.Scan(id, &r); err != nil {
					return err
				}
				e.Related = []int64{r}
				return nil
			}},
		{`SELECT article_id, id, external_id, parent_id, author, author_email, author_url, at, text, status, COALESCE(user_id, 0)
			FROM comments WHERE article_id` + in + ` ORDER BY article_id, at, id`, func(rows *sql.Rows, id *int64, e *news.ArticleExtras) error {
			var c news.Comment
			var at int64
			if err := rows.Scan(id, &c.ID, &c.ExternalID, &c.ParentID, &c.Author, &c.AuthorEmail, &c.AuthorURL,
				&at, &c.Text, &c.Status, &c.UserID); err != nil {
				return err
			}
			c.ArticleID, c.At = *id, fromUnix(at)
			e.Comments = []news.Comment{c}
			return nil
		}},
	}
	for _, st := range steps {
		if err := each(st.query, st.scan); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// restorer writes a whole-site export in one write transaction.
type restorer struct {
	ctx     context.Context
	tx      *sql.Tx
	sv      *saver
	related map[int64][]int64 // written at Commit, when every article exists
	authors map[int64]bool    // written already
	done    bool
}

// BeginRestore starts restoring a whole-site export into this empty store.
func (s *Store) BeginRestore(ctx context.Context) (news.Restorer, error) {
	const op = "begin restore"
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, wrapErr(op, err)
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM users)
		+ (SELECT count(*) FROM media)`).Scan(&n); err != nil {
		tx.Rollback()
		return nil, wrapErr(op, err)
	}
	if n > 0 {
		tx.Rollback()
		return nil, news.Errorf(news.ECONFLICT, "the site is not empty (it holds articles, users or images): restore into a new one")
	}
	sv, err := newSaver(ctx, tx)
	if err != nil {
		tx.Rollback()
		return nil, wrapErr(op, err)
	}
	return &restorer{ctx: ctx, tx: tx, sv: sv, related: map[int64][]int64{}, authors: map[int64]bool{}}, nil
}

func (r *restorer) exec(op, query string, args ...any) error {
	if _, err := r.tx.ExecContext(r.ctx, query, args...); err != nil {
		return wrapErr(op, err)
	}
	return nil
}

func (r *restorer) Users(users []news.User) error {
	for _, u := range users {
		if err := news.CheckUser(u); err != nil {
			return err
		}
		if err := r.exec("restore user "+u.Email, `INSERT INTO users (id, email, name, role, password_hash, disabled,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, string(u.Role),
			u.PasswordHash, u.Disabled, u.CreatedAt.Unix(), u.UpdatedAt.Unix()); err != nil {
			return err
		}
	}
	return nil
}

func (r *restorer) Sections(secs []news.Section) error {
	for _, s := range secs {
		if err := r.exec("restore section "+s.Slug, `INSERT INTO sections (id, slug, name) VALUES (?, ?, ?)`,
			s.ID, s.Slug, s.Name); err != nil {
			return err
		}
		r.sv.sections[s.Slug] = namedID{id: s.ID, name: s.Name}
	}
	return nil
}

func (r *restorer) Tags(tags []news.Tag) error {
	for _, t := range tags {
		if err := r.exec("restore tag "+t.Slug, `INSERT INTO tags (id, slug, name) VALUES (?, ?, ?)`, t.ID, t.Slug, t.Name); err != nil {
			return err
		}
		r.sv.tags[t.Slug] = namedID{id: t.ID, name: t.Name}
	}
	return nil
}

func (r *restorer) Media(m news.Media, files []news.MediaFile) error {
	if err := news.CheckMedia(m, files); err != nil {
		return err
	}
	variants, err := json.Marshal(m.Variants)
	if err != nil {
		return err
	}
	op := fmt.Sprintf("restore image %d", m.ID)
	if err := r.exec(op, `INSERT INTO media (id, created_at, user_id, alt, caption, credit, format, width, height, variants)
		VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)`, m.ID, m.CreatedAt.Unix(), m.UserID, m.Alt, m.Caption,
		m.Credit, m.Format, m.Width, m.Height, string(variants)); err != nil {
		return err
	}
	for _, f := range files {
		if err := r.exec(op, `INSERT INTO media_files (media_id, width, height, content_type, ext, data)
			VALUES (?, ?, ?, ?, ?, ?)`, m.ID, f.Width, f.Height, f.ContentType, f.Ext, f.Data); err != nil {
			return err
		}
	}
	return nil
}

func (r *restorer) Articles(arts []news.RestoredArticle) error {
	for i := range arts {
		if err := r.article(&arts[i]); err != nil {
			return err
		}
	}
	return nil
}

func (r *restorer) article(ra *news.RestoredArticle) error {
	a := &ra.ArticleRecord
	if err := validate(0, a); err != nil {
		return err
	}
	op := fmt.Sprintf("restore article %d", a.ID)
	sectionID, err := named(r.ctx, r.sv.upsertSection, r.sv.sections, a.Section.Slug, a.Section.Name)
	if err != nil {
		return wrapErr(op, err)
	}
	image, err := imageJSON(a.Image)
	if err != nil {
		return err
	}
	if a.Status == "" {
		a.Status = news.StatusPublished
	}
	seo, err := news.EncodeSEO(a.SEO)
	if err != nil {
		return err
	}
	var deleted any
	if !a.DeletedAt.IsZero() {
		deleted = a.DeletedAt.Unix()
	}
	if err := r.exec(op, `INSERT INTO articles (id, external_id, source_url, source, section_id, url_date, slug,
		title, abstract, body, dateline, published_at, updated_at, status, version, time_set, ever_published,
		created_by, image, body_source, seo, deleted_at)
		VALUES (?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)`,
		a.ID, a.ExternalID, a.SourceURL, a.Source, sectionID, a.URLDate().Unix(), a.Slug, a.Title, a.Abstract, a.Body,
		a.Dateline, a.PublishedAt.Unix(), a.UpdatedAt.Unix(), string(a.Status), max(a.Version, 1), a.TimeSet,
		a.EverPublished, a.CreatedBy, image, a.BodySource, seo, deleted); err != nil {
		return err
	}
	if _, err := r.sv.insertSearch.ExecContext(r.ctx, a.ID, a.SearchTitle, indexedBody(a.SearchBody, a.Status)); err != nil {
		return wrapErr(op, err)
	}
	// Authors have no list of their own in an export: each comes with its
	// id on the first article that credits it.
	for pos, au := range a.Authors {
		if au.ID <= 0 {
			return news.Errorf(news.EINVALID, "article %d: author %q has no id", a.ID, au.Name)
		}
		if !r.authors[au.ID] {
			if err := r.exec(op, `INSERT INTO authors (id, slug, name, name_key) VALUES (?, ?, ?, ?)`,
				au.ID, au.Slug, au.Name, arabic.Normalize(au.Name)); err != nil {
				return err
			}
			r.authors[au.ID] = true
		}
		if err := r.exec(op, `INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)`,
			a.ID, au.ID, pos); err != nil {
			return err
		}
	}
	if err := r.sv.creditTags(r.ctx, a.ID, a); err != nil {
		return wrapErr(op, err)
	}
	ex := ra.Extras
	for _, rev := range ex.Revisions {
		data, err := json.Marshal(rev.Data)
		if err != nil {
			return err
		}
		if err := r.exec(op, `INSERT INTO revisions (article_id, number, at, user_id, user_name, note, data)
			VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?)`, a.ID, rev.Number, rev.At.Unix(), rev.UserID, rev.UserName,
			rev.Note, string(data)); err != nil {
			return err
		}
	}
	for _, ev := range ex.Events {
		if _, err := r.sv.insertEvent.ExecContext(r.ctx, a.ID, ev.At.Unix(), ev.UserID, ev.UserName, ev.Action,
			string(ev.From), string(ev.To), ev.Note); err != nil {
			return wrapErr(op, err)
		}
	}
	for _, c := range ex.Corrections {
		if err := r.exec(op, `INSERT INTO corrections (article_id, at, text, user_id) VALUES (?, ?, ?, NULLIF(?, 0))`,
			a.ID, c.At.Unix(), c.Text, c.UserID); err != nil {
			return err
		}
	}
	for _, p := range ex.OldPaths {
		if _, err := r.sv.putRedirect.ExecContext(r.ctx, p, a.ID); err != nil {
			return wrapErr(op, err)
		}
	}
	if err := r.sv.comments(r.ctx, a.ID, ex.Comments); err != nil {
		return wrapErr(op, err)
	}
	if ex.Related != nil {
		r.related[a.ID] = slices.Clone(ex.Related)
	}
	return nil
}

func (r *restorer) Settings(values map[string]string) error {
	for k, v := range values {
		if err := r.exec("restore settings", `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return err
		}
	}
	return nil
}

// Commit writes the related lists and makes the whole restore visible.
func (r *restorer) Commit() error {
	if r.done {
		return news.Errorf(news.EINVALID, "restore already finished")
	}
	r.done = true
	defer r.sv.close()
	for id, list := range r.related {
		for rank, rel := range list {
			if err := r.exec("restore related lists", `INSERT INTO related (article_id, related_id, rank) VALUES (?, ?, ?)`,
				id, rel, rank); err != nil {
				r.tx.Rollback()
				return err
			}
		}
	}
	return wrapErr("commit restore", r.tx.Commit())
}

// Rollback abandons the restore; the store stays empty.
func (r *restorer) Rollback() error {
	if r.done {
		return nil
	}
	r.done = true
	r.sv.close()
	return wrapErr("roll back restore", r.tx.Rollback())
}
