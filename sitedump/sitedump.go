// Package sitedump writes a whole site as JSON Lines and restores it: the
// newsroom's users (with their password hashes), sections, tags, the media
// library with every variant, every article in every status with its
// revisions, workflow history, corrections, old paths, related list and
// readers' comments, and the site settings. Ids are kept, so links into
// the site (/media/42/…, /api/v1/articles/7) work after a restore.
//
// The format is one JSON object a line: a header, records of each kind in
// the order a restore needs them (settings, users, sections, tags, media,
// articles) and an end record with the counts. A restore goes into an empty
// site in one transaction and checks the end record, so a truncated or
// broken file restores nothing.
package sitedump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"sahafa/news"
	"sahafa/publish"
)

// Version is the format's version, in the header.
const Version = 1

// header is the first line.
type header struct {
	Format     string    `json:"format"` // always "sahafa-export"
	Version    int       `json:"version"`
	ExportedAt time.Time `json:"exported_at"`
}

const formatName = "sahafa-export"

// record is every line after the header.
type record struct {
	Type     string             `json:"type"`
	Settings map[string]string  `json:"settings,omitempty"`
	User     *user              `json:"user,omitempty"`
	Section  *named             `json:"section,omitempty"`
	Tag      *named             `json:"tag,omitempty"`
	Media    *media             `json:"media,omitempty"`
	Article  *article           `json:"article,omitempty"`
	Page     *page              `json:"page,omitempty"`
	Redirect *news.PathRedirect `json:"redirect,omitempty"`
	Counts   *Counts            `json:"counts,omitempty"`
}

type page struct {
	Slug       string    `json:"slug"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	BodySource string    `json:"body_source,omitempty"`
	Footer     bool      `json:"footer,omitempty"`
	Position   int       `json:"position,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
	// Comments are the page's (imported with it from WordPress).
	Comments []news.Comment `json:"comments,omitempty"`
}

// Counts is what an export holds.
type Counts struct {
	Users    int `json:"users"`
	Sections int `json:"sections"`
	Tags     int `json:"tags"`
	Media    int `json:"media"`
	Articles int `json:"articles"`
	// Static pages and the old addresses that lead to them (and to
	// archives): in exports since the importer made them.
	Pages     int `json:"pages,omitempty"`
	Redirects int `json:"redirects,omitempty"`
}

type user struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         news.Role `json:"role"`
	PasswordHash string    `json:"password_hash"`
	Disabled     bool      `json:"disabled,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type named struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type media struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	UserID    int64     `json:"user_id,omitempty"`
	Alt       string    `json:"alt"`
	Caption   string    `json:"caption,omitempty"`
	Credit    string    `json:"credit,omitempty"`
	Format    string    `json:"format"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	Files     []file    `json:"files"`
}

type file struct {
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	ContentType string `json:"content_type"`
	Ext         string `json:"ext"`
	Data        []byte `json:"data"` // base64 in JSON
}

type article struct {
	ID            int64       `json:"id"`
	ExternalID    string      `json:"external_id,omitempty"`
	SourceURL     string      `json:"source_url,omitempty"`
	Source        string      `json:"source,omitempty"`
	Slug          string      `json:"slug"`
	Title         string      `json:"title"`
	Abstract      string      `json:"abstract,omitempty"`
	Body          string      `json:"body"`
	BodySource    string      `json:"body_source,omitempty"`
	Section       string      `json:"section"` // slug
	Authors       []named     `json:"authors,omitempty"`
	Tags          []named     `json:"tags,omitempty"`
	Dateline      string      `json:"dateline,omitempty"`
	PublishedAt   time.Time   `json:"published_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
	URLDate       string      `json:"url_date"` // YYYY-MM-DD
	Status        news.Status `json:"status"`
	Version       int         `json:"version"`
	TimeSet       bool        `json:"time_set,omitempty"`
	EverPublished bool        `json:"ever_published,omitempty"`
	CreatedBy     int64       `json:"created_by,omitempty"`
	Image         *news.Image `json:"image,omitempty"`
	SEO           *news.SEO   `json:"seo,omitempty"`
	DeletedAt     *time.Time  `json:"deleted_at,omitempty"` // in the trash since

	Revisions   []revision     `json:"revisions,omitempty"`
	Events      []event        `json:"events,omitempty"`
	Corrections []correction   `json:"corrections,omitempty"`
	OldPaths    []string       `json:"old_paths,omitempty"`
	Related     []int64        `json:"related,omitempty"`
	HasRelated  bool           `json:"has_related,omitempty"` // a stored list, possibly empty
	Comments    []news.Comment `json:"comments,omitempty"`
}

type revision struct {
	Number   int               `json:"number"`
	At       time.Time         `json:"at"`
	UserID   int64             `json:"user_id,omitempty"`
	UserName string            `json:"user_name,omitempty"`
	Note     string            `json:"note,omitempty"`
	Data     news.RevisionData `json:"data"`
}

type event struct {
	At       time.Time   `json:"at"`
	UserID   int64       `json:"user_id,omitempty"`
	UserName string      `json:"user_name,omitempty"`
	Action   string      `json:"action"`
	From     news.Status `json:"from,omitempty"`
	To       news.Status `json:"to,omitempty"`
	Note     string      `json:"note,omitempty"`
}

type correction struct {
	At     time.Time `json:"at"`
	Text   string    `json:"text"`
	UserID int64     `json:"user_id,omitempty"`
}

// IsExport reports whether an input starts with a Sahafa export header.
func IsExport(head []byte) bool {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	var h header
	return json.Unmarshal(line, &h) == nil && h.Format == formatName
}

// exportBatch is the number of articles read at a time.
const exportBatch = 200

// Export writes the whole site to w.
// progress, when set, is told of each batch of articles written.
func Export(ctx context.Context, store news.Store, w io.Writer, progress func(articles int)) (Counts, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var c Counts
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("write export: %w", err)
		}
		return nil
	}
	if err := put(header{Format: formatName, Version: Version, ExportedAt: time.Now().UTC().Truncate(time.Second)}); err != nil {
		return c, err
	}
	settings, err := store.Settings(ctx)
	if err != nil {
		return c, err
	}
	if err := put(record{Type: "settings", Settings: settings}); err != nil {
		return c, err
	}
	users, err := store.Users(ctx)
	if err != nil {
		return c, err
	}
	for _, u := range users {
		if err := put(record{Type: "user", User: &user{u.ID, u.Email, u.Name, u.Role, u.PasswordHash, u.Disabled,
			u.CreatedAt, u.UpdatedAt}}); err != nil {
			return c, err
		}
		c.Users++
	}
	secs, err := store.Sections(ctx)
	if err != nil {
		return c, err
	}
	for _, s := range secs {
		if err := put(record{Type: "section", Section: &named{s.ID, s.Slug, s.Name}}); err != nil {
			return c, err
		}
		c.Sections++
	}
	tags, err := store.Tags(ctx)
	if err != nil {
		return c, err
	}
	for _, t := range tags {
		if err := put(record{Type: "tag", Tag: &named{t.ID, t.Slug, t.Name}}); err != nil {
			return c, err
		}
		c.Tags++
	}
	pages, err := store.Pages(ctx)
	if err != nil {
		return c, err
	}
	for _, p := range pages {
		pc, err := store.PageComments(ctx, p.ID)
		if err != nil {
			return c, err
		}
		if err := put(record{Type: "page", Page: &page{p.Slug, p.Title, p.Body, p.BodySource, p.Footer, p.Position, p.UpdatedAt, pc}}); err != nil {
			return c, err
		}
		c.Pages++
	}
	redirects, err := store.PathRedirects(ctx)
	if err != nil {
		return c, err
	}
	for _, r := range redirects {
		if err := put(record{Type: "redirect", Redirect: &r}); err != nil {
			return c, err
		}
		c.Redirects++
	}
	if c.Media, err = exportMedia(ctx, store, put); err != nil {
		return c, err
	}
	if c.Articles, err = exportArticles(ctx, store, put, progress); err != nil {
		return c, err
	}
	if err := put(record{Type: "end", Counts: &c}); err != nil {
		return c, err
	}
	return c, bw.Flush()
}

// exportMedia writes the library, the trash's images too. An upload not
// processed yet (or that failed) has no files to write and is left out.
func exportMedia(ctx context.Context, store news.Store, put func(any) error) (int, error) {
	n := 0
	for _, trash := range []bool{false, true} {
		k, err := exportMediaList(ctx, store, put, trash)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func exportMediaList(ctx context.Context, store news.Store, put func(any) error, trash bool) (int, error) {
	n := 0
	for offset := 0; ; offset += news.MaxListLimit {
		page, err := store.MediaList(ctx, news.MediaFilter{Limit: news.MaxListLimit, Offset: offset, Trash: trash})
		if err != nil {
			return n, err
		}
		if len(page.Media) == 0 {
			return n, nil
		}
		for _, m := range page.Media {
			if len(m.Variants) == 0 {
				continue
			}
			rec := &media{ID: m.ID, CreatedAt: m.CreatedAt, UserID: m.UserID, Alt: m.Alt, Caption: m.Caption,
				Credit: m.Credit, Format: m.Format, Width: m.Width, Height: m.Height}
			for _, v := range m.Variants {
				f, err := store.MediaFile(ctx, m.ID, v.Width)
				if err != nil {
					return n, fmt.Errorf("image %d, %d px: %w", m.ID, v.Width, err)
				}
				rec.Files = append(rec.Files, file{f.Width, f.Height, f.ContentType, f.Ext, f.Data})
			}
			if err := put(record{Type: "media", Media: rec}); err != nil {
				return n, err
			}
			n++
		}
	}
}

func exportArticles(ctx context.Context, store news.Store, put func(any) error, progress func(int)) (int, error) {
	n := 0
	var after int64
	for {
		arts, err := store.ScanArticles(ctx, after, exportBatch)
		if err != nil {
			return n, err
		}
		if len(arts) == 0 {
			return n, nil
		}
		ids := make([]int64, len(arts))
		for i, a := range arts {
			ids[i] = a.ID
		}
		extras, err := store.Extras(ctx, ids)
		if err != nil {
			return n, err
		}
		for _, a := range arts {
			if err := put(record{Type: "article", Article: articleOf(a, extras[a.ID])}); err != nil {
				return n, err
			}
			n++
		}
		after = arts[len(arts)-1].ID
		if progress != nil {
			progress(len(arts))
		}
	}
}

func articleOf(a news.Article, ex news.ArticleExtras) *article {
	out := &article{
		ID: a.ID, ExternalID: a.ExternalID, SourceURL: a.SourceURL, Source: a.Source, Slug: a.Slug, Title: a.Title,
		Abstract: a.Abstract, Body: a.Body, BodySource: a.BodySource, Section: a.Section.Slug, Dateline: a.Dateline,
		PublishedAt: a.PublishedAt, UpdatedAt: a.UpdatedAt, URLDate: a.URLDate().Format(time.DateOnly),
		Status: a.Status, Version: a.Version, TimeSet: a.TimeSet, EverPublished: a.EverPublished,
		CreatedBy: a.CreatedBy, Image: a.Image,
		OldPaths: ex.OldPaths, Related: ex.Related, HasRelated: ex.Related != nil, Comments: ex.Comments,
	}
	if !a.SEO.IsZero() {
		seo := a.SEO
		out.SEO = &seo
	}
	if !a.DeletedAt.IsZero() {
		at := a.DeletedAt
		out.DeletedAt = &at
	}
	for _, au := range a.Authors {
		out.Authors = append(out.Authors, named{au.ID, au.Slug, au.Name})
	}
	for _, t := range a.Tags {
		out.Tags = append(out.Tags, named{t.ID, t.Slug, t.Name})
	}
	for _, r := range ex.Revisions {
		out.Revisions = append(out.Revisions, revision{r.Number, r.At, r.UserID, r.UserName, r.Note, r.Data})
	}
	for _, e := range ex.Events {
		out.Events = append(out.Events, event{e.At, e.UserID, e.UserName, e.Action, e.From, e.To, e.Note})
	}
	for _, c := range ex.Corrections {
		out.Corrections = append(out.Corrections, correction{c.At, c.Text, c.UserID})
	}
	return out
}

// Error is a problem in an export file, with its line.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// maxLine bounds one record: an article with its revisions, or an image
// with its variants (20 MB uploads become a few MB of variants, base64).
const maxLine = 256 << 20

// importBatch is the number of articles written at a time.
const importBatch = 200

// Import restores an export into an empty store, in one transaction:
// everything, or nothing when the file is broken or truncated.
// progress, when set, is told of each batch of articles restored.
func Import(ctx context.Context, site news.SiteStore, r io.Reader, progress func(articles int)) (Counts, error) {
	rs, err := site.BeginRestore(ctx)
	if err != nil {
		return Counts{}, err
	}
	c, err := restore(ctx, rs, r, progress)
	if err != nil {
		rs.Rollback()
		return Counts{}, err
	}
	if err := rs.Commit(); err != nil {
		return Counts{}, err
	}
	return c, nil
}

func restore(ctx context.Context, rs news.Restorer, r io.Reader, progress func(int)) (Counts, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	line := 0
	bad := func(format string, args ...any) error { return &Error{Line: line, Msg: fmt.Sprintf(format, args...)} }
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return Counts{}, fmt.Errorf("read export: %w", err)
		}
		return Counts{}, &Error{Line: 1, Msg: "empty file"}
	}
	line = 1
	var h header
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Format != formatName {
		return Counts{}, bad("not a Sahafa export (the first line is not its header)")
	}
	if h.Version != Version {
		return Counts{}, bad("export version %d; this Sahafa reads version %d", h.Version, Version)
	}
	var got Counts
	var end *Counts
	var batch []news.RestoredArticle
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := rs.Articles(batch)
		if err == nil && progress != nil {
			progress(len(batch))
		}
		batch = batch[:0]
		return err
	}
	for sc.Scan() {
		line++
		if ctx.Err() != nil {
			return got, ctx.Err()
		}
		if end != nil {
			return got, bad("a record after the end record")
		}
		var rec record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return got, bad("invalid JSON: %v", err)
		}
		var err error
		switch rec.Type {
		case "settings":
			err = rs.Settings(rec.Settings)
		case "user":
			if u := rec.User; u == nil {
				err = bad("user record without a user")
			} else {
				err = rs.Users([]news.User{{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role,
					PasswordHash: u.PasswordHash, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}})
				got.Users++
			}
		case "section":
			if s := rec.Section; s == nil {
				err = bad("section record without a section")
			} else {
				err = rs.Sections([]news.Section{{ID: s.ID, Slug: s.Slug, Name: s.Name}})
				got.Sections++
			}
		case "tag":
			if t := rec.Tag; t == nil {
				err = bad("tag record without a tag")
			} else {
				err = rs.Tags([]news.Tag{{ID: t.ID, Slug: t.Slug, Name: t.Name}})
				got.Tags++
			}
		case "media":
			if m := rec.Media; m == nil {
				err = bad("media record without an image")
			} else {
				err = rs.Media(mediaOf(m))
				got.Media++
			}
		case "page":
			if p := rec.Page; p == nil {
				err = bad("page record without a page")
			} else {
				err = rs.Pages([]news.Page{{Slug: p.Slug, Title: p.Title, Body: p.Body, BodySource: p.BodySource,
					Footer: p.Footer, Position: p.Position, UpdatedAt: p.UpdatedAt}})
				if err == nil && len(p.Comments) > 0 {
					err = rs.PageComments(p.Slug, p.Comments)
				}
				got.Pages++
			}
		case "redirect":
			if r := rec.Redirect; r == nil {
				err = bad("redirect record without a redirect")
			} else {
				err = rs.Redirects([]news.PathRedirect{*r})
				got.Redirects++
			}
		case "article":
			var ra news.RestoredArticle
			if ra, err = restoredOf(rec.Article); err != nil {
				err = bad("%v", err)
				break
			}
			batch = append(batch, ra)
			got.Articles++
			if len(batch) >= importBatch {
				err = flush()
			}
		case "end":
			end = rec.Counts
			if end == nil {
				err = bad("end record without counts")
			}
		default:
			err = bad("unknown record type %q", rec.Type)
		}
		if err != nil {
			var e *Error
			if errors.As(err, &e) {
				return got, err
			}
			return got, bad("%v", err)
		}
	}
	if err := sc.Err(); err != nil {
		return got, bad("%v", err)
	}
	if err := flush(); err != nil {
		return got, bad("%v", err)
	}
	if end == nil {
		return got, bad("the file ends without its end record: it is truncated")
	}
	if *end != got {
		return got, bad("the end record counts %+v, the file holds %+v", *end, got)
	}
	return got, nil
}

func mediaOf(m *media) (news.Media, []news.MediaFile) {
	out := news.Media{ID: m.ID, CreatedAt: m.CreatedAt, UserID: m.UserID, Alt: m.Alt, Caption: m.Caption,
		Credit: m.Credit, Format: m.Format, Width: m.Width, Height: m.Height}
	files := make([]news.MediaFile, len(m.Files))
	for i, f := range m.Files {
		v := news.MediaVariant{Width: f.Width, Height: f.Height, ContentType: f.ContentType, Ext: f.Ext, Size: len(f.Data)}
		out.Variants = append(out.Variants, v)
		files[i] = news.MediaFile{MediaVariant: v, Data: f.Data}
	}
	return out, files
}

func restoredOf(a *article) (news.RestoredArticle, error) {
	if a == nil {
		return news.RestoredArticle{}, errors.New("article record without an article")
	}
	day, err := time.Parse(time.DateOnly, a.URLDate)
	if err != nil {
		return news.RestoredArticle{}, fmt.Errorf("article %d: url_date %q: %v", a.ID, a.URLDate, err)
	}
	art := news.Article{
		ID: a.ID, ExternalID: a.ExternalID, SourceURL: a.SourceURL, Source: a.Source, Slug: a.Slug, Title: a.Title,
		Abstract: a.Abstract, Body: a.Body, BodySource: a.BodySource, Section: news.Section{Slug: a.Section},
		Dateline: a.Dateline, PublishedAt: a.PublishedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(), FirstPublished: day,
		Status: a.Status, Version: a.Version, TimeSet: a.TimeSet, EverPublished: a.EverPublished,
		CreatedBy: a.CreatedBy, Image: a.Image,
	}
	if a.SEO != nil {
		art.SEO = *a.SEO
	}
	if a.DeletedAt != nil {
		art.DeletedAt = a.DeletedAt.UTC()
	}
	for _, au := range a.Authors {
		art.Authors = append(art.Authors, news.Author{ID: au.ID, Slug: au.Slug, Name: au.Name})
	}
	for _, t := range a.Tags {
		art.Tags = append(art.Tags, news.Tag{ID: t.ID, Slug: t.Slug, Name: t.Name})
	}
	ex := news.ArticleExtras{OldPaths: a.OldPaths, Comments: a.Comments}
	if a.HasRelated {
		ex.Related = append([]int64{}, a.Related...)
	}
	for _, r := range a.Revisions {
		ex.Revisions = append(ex.Revisions, news.Revision{ArticleID: a.ID, Number: r.Number, At: r.At, UserID: r.UserID,
			UserName: r.UserName, Note: r.Note, Data: r.Data})
	}
	for _, e := range a.Events {
		ex.Events = append(ex.Events, news.Event{ArticleID: a.ID, At: e.At, UserID: e.UserID, UserName: e.UserName,
			Action: e.Action, From: e.From, To: e.To, Note: e.Note})
	}
	for _, c := range a.Corrections {
		ex.Corrections = append(ex.Corrections, news.Correction{ArticleID: a.ID, At: c.At, Text: c.Text, UserID: c.UserID})
	}
	rec := news.ArticleRecord{Article: art, SearchTitle: publish.SearchTitle(art), SearchBody: publish.SearchBody(art)}
	return news.RestoredArticle{ArticleRecord: rec, Extras: ex}, nil
}
