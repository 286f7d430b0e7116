// Package publish is the one write path for articles. Importers, the
// newsroom and the API all hand it news.Draft values; it validates them,
// matches sections by their normalized Arabic name, builds slugs, sanitizes
// the body HTML, analyzes the text for search and stores whole batches in
// one transaction, then tells the caches that content changed.
package publish

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"sahafa/arabic"
	"sahafa/markup"
	"sahafa/news"
)

// Options configures a Service.
type Options struct {
	// KnownSections are desks that drafts may name in any spelling
	// ("اخبار العالم" for "أخبار العالم"); they are matched by normalized
	// name before the store's own sections.
	KnownSections []news.Section
	// OnChange is called after every successful write (page-cache
	// invalidation, cross-node notification).
	OnChange func()
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// SectionMap puts drafts of a source's section (by name, in any
	// spelling) into another section (by slug, else by name): an import's
	// "تقارير مصرية" into the site's "مصر". See CheckSectionMap.
	SectionMap map[string]string
}

// Service validates and stores articles.
type Service struct {
	store      news.Store
	opts       Options
	mu         sync.Mutex
	sections   map[string]news.Section // normalized name → section
	sectionMap map[string]string       // normalized source name → Options.SectionMap's target

	created, updated atomic.Int64 // articles written since start, for metrics
}

// Counts returns the articles this service created and updated since it
// started (imports, the newsroom, the scheduler).
func (s *Service) Counts() (created, updated int64) { return s.created.Load(), s.updated.Load() }

// New returns a Service writing to store.
func New(store news.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{store: store, opts: opts, sections: map[string]news.Section{}, sectionMap: map[string]string{}}
	for _, sec := range opts.KnownSections {
		s.sections[arabic.Normalize(sec.Name)] = sec
	}
	for from, to := range opts.SectionMap {
		s.sectionMap[arabic.Normalize(from)] = to
	}
	return s
}

// CheckSectionMap checks that every section m maps onto is stored (by
// slug or name), before an import relies on it.
func CheckSectionMap(ctx context.Context, store news.Store, m map[string]string) error {
	if len(m) == 0 {
		return nil
	}
	stats, err := store.Sections(ctx)
	if err != nil {
		return err
	}
	for from, to := range m {
		found := false
		for _, sec := range stats {
			if sec.Slug == to || arabic.Normalize(sec.Name) == arabic.Normalize(to) {
				found = true
				break
			}
		}
		if !found {
			var names []string
			for _, sec := range stats {
				names = append(names, sec.Name)
			}
			return news.Errorf(news.EINVALID, "section %q (for %q) does not exist; the site's sections: %s", to, from, strings.Join(names, "، "))
		}
	}
	return nil
}

// BodyPolicy is the allow-list applied to every article body: the
// formatting a news story needs (paragraphs, headings, emphasis, links,
// quotes, lists, figures, tables) and the dir attribute for mixed-direction
// text; scripts, styles, event handlers and unsafe URLs never pass.
func BodyPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?:auto|rtl|ltr)$`)).Globally()
	p.AllowElements("figure", "figcaption")
	// Alt text and titles in Arabic: UGC's pattern drops the whole
	// attribute for tashkeel, ، ؟ ؛ « » or a colon, and most Arabic alt
	// text with it.
	p.AllowAttrs("alt").Matching(attrText).OnElements("img")
	p.AllowAttrs("title").Matching(attrText).OnElements("img", "a")
	// Responsive images of the site's media library (markup emits them):
	// site-relative URLs only, since bluemonday checks no URL in srcset.
	p.AllowAttrs("srcset").Matching(srcsetPattern).OnElements("img")
	p.AllowAttrs("sizes").Matching(regexp.MustCompile(`^[a-zA-Z0-9 ():,.-]{1,200}$`)).OnElements("img")
	p.AllowAttrs("width", "height").Matching(regexp.MustCompile(`^[1-9][0-9]{0,4}$`)).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.AllowAttrs("decoding").Matching(regexp.MustCompile(`^async$`)).OnElements("img")
	// Link cards of embedded media (no third-party frames), and the
	// editor's blocks (markup.CleanHTML): image and gallery figures, pull
	// quotes, fact boxes, related-article cards, photo credits.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(?:embed embed-[a-z]{1,20}|image|gallery)$`)).OnElements("figure")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^embed-link$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^pullquote$`)).OnElements("blockquote")
	p.AllowElements("aside")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(?:factbox|related-card)$`)).OnElements("aside")
	p.AllowAttrs("data-article").Matching(regexp.MustCompile(`^[1-9][0-9]{0,18}$`)).OnElements("aside")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^credit$`)).OnElements("span")
	p.AllowAttrs("colspan", "rowspan").Matching(regexp.MustCompile(`^[1-9][0-9]?$`)).OnElements("td", "th")
	p.AllowElements("s")
	return p
}

var (
	attrText      = regexp.MustCompile(`^[\p{L}\p{M}\p{N}\p{P}\p{Zs}\p{Sc}\s\x{200C}-\x{200F}\x{061C}+=^|~°×÷±]*$`)
	srcsetPattern = regexp.MustCompile(`^/[^/\s,][^\s,]* [1-9][0-9]{0,4}w(?:, /[^/\s,][^\s,]* [1-9][0-9]{0,4}w)*$`)
)

// Skip is a draft that was not stored, and why.
type Skip struct {
	Index  int    // position in the slice given to Save
	Ref    string // external id or title, to find it in the input
	Reason string
}

// Result tells what a Save did.
type Result struct {
	Created, Updated int
	IDs              []int64 // ids of the stored drafts, in input order of the stored ones
	Skipped          []Skip
}

// Save validates drafts and stores the valid ones in one transaction.
// Invalid drafts are skipped with a reason; a store error stores nothing.
func (s *Service) Save(ctx context.Context, drafts []news.Draft) (Result, error) {
	p, err := s.Prepare(ctx, drafts)
	if err != nil {
		return Result{}, err
	}
	return s.Commit(ctx, p)
}

// Prepared is a batch of drafts validated, sanitized and analyzed: the
// CPU-heavy half of Save, which an importer runs beside Commit so that the
// next batch is prepared while the last one is written.
type Prepared struct {
	records []news.ArticleRecord
	Skipped []Skip
}

// Prepare validates and analyzes drafts. Drafts that cannot be stored are
// in Skipped with the reason; an error means the store could not be read.
func (s *Service) Prepare(ctx context.Context, drafts []news.Draft) (Prepared, error) {
	var p Prepared
	p.records = make([]news.ArticleRecord, 0, len(drafts))
	for i, d := range drafts {
		rec, err := s.record(ctx, d)
		if err != nil {
			if news.ErrorCode(err) != news.EINVALID {
				return Prepared{}, err
			}
			ref := d.ExternalID
			if ref == "" {
				ref = d.Title
			}
			p.Skipped = append(p.Skipped, Skip{Index: i, Ref: ref, Reason: news.ErrorMessage(err)})
			continue
		}
		p.records = append(p.records, rec)
	}
	return p, nil
}

// PrepareAll prepares a large set of drafts on every core, in chunks, as
// one batch: Commit then stores all of them in one transaction (a
// WordPress export, all or nothing). Skipped indexes refer to drafts.
func (s *Service) PrepareAll(ctx context.Context, drafts []news.Draft) (Prepared, error) {
	const chunk = 256
	n := (len(drafts) + chunk - 1) / chunk
	parts := make([]Prepared, n)
	errs := make([]error, n)
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			lo, hi := i*chunk, min((i+1)*chunk, len(drafts))
			parts[i], errs[i] = s.Prepare(ctx, drafts[lo:hi])
			for j := range parts[i].Skipped {
				parts[i].Skipped[j].Index += lo
			}
		}()
	}
	wg.Wait()
	var all Prepared
	all.records = make([]news.ArticleRecord, 0, len(drafts))
	for i, p := range parts {
		if errs[i] != nil {
			return Prepared{}, errs[i]
		}
		all.records = append(all.records, p.records...)
		all.Skipped = append(all.Skipped, p.Skipped...)
	}
	return all, nil
}

// Commit stores a prepared batch in one transaction: all of it or, on
// error, nothing.
func (s *Service) Commit(ctx context.Context, p Prepared) (Result, error) {
	res := Result{Skipped: p.Skipped}
	if len(p.records) == 0 {
		return res, nil
	}
	saved, err := s.store.SaveArticles(ctx, p.records)
	if err != nil {
		return Result{}, fmt.Errorf("save %d articles: %w", len(p.records), err)
	}
	res.IDs = saved.IDs
	for _, created := range saved.Created {
		if created {
			res.Created++
		} else {
			res.Updated++
		}
	}
	s.created.Add(int64(res.Created))
	s.updated.Add(int64(res.Updated))
	if s.opts.OnChange != nil {
		s.opts.OnChange()
	}
	return res, nil
}

// Changed tells the caches that content changed outside Save (a
// correction, a renamed section, new settings).
func (s *Service) Changed() {
	if s.opts.OnChange != nil {
		s.opts.OnChange()
	}
}

// record turns a draft into what the store writes, or says why it cannot.
func (s *Service) record(ctx context.Context, d news.Draft) (news.ArticleRecord, error) {
	title := collapseSpace(d.Title)
	if title == "" {
		return news.ArticleRecord{}, news.Errorf(news.EINVALID, "title is empty")
	}
	if len([]rune(title)) > 500 {
		return news.ArticleRecord{}, news.Errorf(news.EINVALID, "title is longer than 500 characters")
	}
	status := d.Status
	if status == "" {
		status = news.StatusPublished
	}
	if !status.Valid() {
		return news.ArticleRecord{}, news.Errorf(news.EINVALID, "unknown status %q", d.Status)
	}
	section, err := s.section(ctx, d.SectionName, d.SectionSlug)
	if err != nil {
		return news.ArticleRecord{}, err
	}
	// Bodies lose bidi embeddings and overrides like one-line fields do:
	// an unclosed U+202E in a paragraph would reverse the rest of the page
	// (search snippets, feeds); the marks LRM, RLM and ALM stay.
	d.Body = arabic.StripBidiControls(d.Body)
	var body, source string
	if d.Markdown {
		html, problems := RenderMarkdown(ctx, s.store, d.Body)
		if len(problems) > 0 {
			return news.ArticleRecord{}, news.Errorf(news.EINVALID, "%s", problems[0].Message)
		}
		body, source = html, d.Body
	} else {
		body = bodyPolicy.Sanitize(d.Body)
	}
	image, err := s.leadImage(ctx, d.Image)
	if err != nil {
		return news.ArticleRecord{}, err
	}
	abstract := collapseSpace(d.Abstract)
	if strings.TrimSpace(body) == "" && abstract == "" && !d.AllowEmpty {
		return news.ArticleRecord{}, news.Errorf(news.EINVALID, "article %q has no body", title)
	}
	published := d.PublishedAt
	if published.IsZero() {
		published = s.opts.Now()
	}
	slug := arabic.Slug(d.Slug)
	if slug == "" {
		slug = arabic.Slug(title)
	}
	if slug == "" {
		slug = "article"
	}
	var authors []news.Author
	seen := map[string]bool{}
	for _, name := range d.Authors {
		name = collapseSpace(name)
		as := arabic.Slug(name)
		if name == "" || as == "" || seen[as] {
			continue
		}
		seen[as] = true
		authors = append(authors, news.Author{Slug: as, Name: name})
	}
	tags, err := tagList(d.Tags)
	if err != nil {
		return news.ArticleRecord{}, err
	}
	a := news.Article{
		ID:          d.ID,
		ExternalID:  strings.TrimSpace(d.ExternalID),
		SourceURL:   strings.TrimSpace(d.SourceURL),
		Source:      strings.TrimSpace(d.Source),
		Slug:        slug,
		Title:       title,
		Abstract:    abstract,
		Body:        body,
		Section:     section,
		Authors:     authors,
		Dateline:    collapseSpace(d.Dateline),
		PublishedAt: published.UTC().Truncate(time.Second),
		UpdatedAt:   s.opts.Now().UTC().Truncate(time.Second),
		Status:      status,
		BodySource:  source,
		Tags:        tags,
		Image:       image,
		SEO:         cleanSEO(d.SEO),
		CreatedBy:   d.CreatedBy,
		// A published article's time is set by definition; importers say
		// whether a draft's was chosen (a WordPress draft's often was not).
		TimeSet: d.TimeSet || status == news.StatusPublished,
	}
	return news.ArticleRecord{
		Article: a, SearchTitle: SearchTitle(a), SearchBody: SearchBody(a),
		OldPaths: d.OldPaths, ExpectVersion: d.Version, Revision: d.Revision, Event: d.Event,
		Comments: d.Comments,
	}, nil
}

// tagList turns tag names into tags with slugs, dropping empty names and
// repeats (by slug) and keeping the order.
func tagList(names []string) ([]news.Tag, error) {
	var out []news.Tag
	seen := map[string]bool{}
	for _, name := range names {
		name = collapseSpace(name)
		slug := arabic.Slug(name)
		if name == "" || slug == "" || seen[slug] {
			continue
		}
		if len([]rune(name)) > news.MaxTagLength {
			return nil, news.Errorf(news.EINVALID, "tag %q is longer than %d characters", name, news.MaxTagLength)
		}
		seen[slug] = true
		out = append(out, news.Tag{Slug: slug, Name: name})
	}
	if len(out) > news.MaxTags {
		return nil, news.Errorf(news.EINVALID, "an article may have at most %d tags, not %d", news.MaxTags, len(out))
	}
	return out, nil
}

// MediaResolver resolves the site's own image URLs ("/media/42") in a
// Markdown body to the stored image's responsive variants.
func MediaResolver(ctx context.Context, store news.MediaStore) func(string) (markup.Image, bool) {
	return func(src string) (markup.Image, bool) {
		id, ok := news.MediaIDFromURL(src)
		if !ok {
			return markup.Image{}, false
		}
		m, err := store.Media(ctx, id)
		if err != nil || len(m.Variants) == 0 {
			return markup.Image{}, false
		}
		v := m.Default()
		return markup.Image{Src: m.URL(v), Srcset: m.Srcset(), Sizes: news.MediaSizes, Width: v.Width, Height: v.Height}, true
	}
}

// RenderMarkdown renders a Markdown body as it will be stored: images of
// the library resolved, sanitized with BodyPolicy. The problems are what
// the writer must fix before it can be saved.
func RenderMarkdown(ctx context.Context, store news.MediaStore, src string) (string, []markup.Problem) {
	html, problems := markup.Render(src, markup.Options{Resolve: MediaResolver(ctx, store)})
	return bodyPolicy.Sanitize(html), problems
}

// RenderEditorHTML is an editor body (HTML) as it will be stored:
// rebuilt in the editor's shape by markup.CleanHTML, with the library's
// images resolved to their variants and related-article cards to the
// current title and address of the published article they name, then
// sanitized with BodyPolicy. The problems are what the writer must fix;
// with altOptional (an imported article) images without alt text are not
// one of them.
func RenderEditorHTML(ctx context.Context, store news.Store, src string, altOptional bool) (string, []markup.Problem) {
	html, problems := markup.CleanHTML(src, markup.HTMLOptions{
		AltOptional: altOptional,
		Resolve:     MediaResolver(ctx, store),
		Article: func(id int64) (markup.ArticleRef, bool) {
			a, err := store.Article(ctx, id)
			if err != nil {
				return markup.ArticleRef{}, false
			}
			return markup.ArticleRef{Title: a.Title, Path: a.Path()}, true
		},
	})
	return bodyPolicy.Sanitize(html), problems
}

// bodyPolicy is BodyPolicy built once; a bluemonday policy is safe for
// concurrent use once built.
var bodyPolicy = BodyPolicy()

// leadImage completes a lead image: the site's own image gets its variants
// and size; a remote one is kept as given. Alt text is required.
func (s *Service) leadImage(ctx context.Context, img *news.Image) (*news.Image, error) {
	if img == nil || (img.URL == "" && img.MediaID == 0) {
		return nil, nil
	}
	out := *img
	out.Alt = collapseSpace(out.Alt)
	out.Caption = collapseSpace(out.Caption)
	out.Credit = collapseSpace(out.Credit)
	id := out.MediaID
	if id == 0 {
		id, _ = news.MediaIDFromURL(out.URL)
	}
	if id != 0 {
		m, err := s.store.Media(ctx, id)
		if err != nil {
			if news.ErrorCode(err) == news.ENOTFOUND {
				return nil, news.Errorf(news.EINVALID, "lead image %d does not exist", id)
			}
			return nil, err
		}
		v := m.Default()
		out.MediaID, out.URL, out.Srcset, out.Width, out.Height = m.ID, m.URL(v), m.Srcset(), v.Width, v.Height
		if out.Alt == "" {
			out.Alt = m.Alt
		}
		if out.Caption == "" {
			out.Caption = m.Caption
		}
		if out.Credit == "" {
			out.Credit = collapseSpace(m.Credit)
		}
	} else if u, err := url.Parse(out.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, news.Errorf(news.EINVALID, "lead image URL %q is not an http(s) URL", out.URL)
	}
	if out.Alt == "" {
		return nil, news.Errorf(news.EINVALID, "the lead image has no alt text")
	}
	return &out, nil
}

// SearchTitle and SearchBody are the analyzed text the index holds for an
// article; reindexing calls them too, so both paths index the same terms.
func SearchTitle(a news.Article) string { return strings.Join(arabic.Terms(a.Title), " ") }

// SearchBody analyzes the abstract, dateline and body text of an article.
func SearchBody(a news.Article) string {
	var b strings.Builder
	b.WriteString(a.Abstract)
	b.WriteByte(' ')
	b.WriteString(a.Dateline)
	b.WriteByte(' ')
	b.WriteString(news.PlainText(a.Body))
	return strings.Join(arabic.Terms(b.String()), " ")
}

// section resolves a draft's section: a known or stored section whose
// normalized name matches, or a new one.
func (s *Service) section(ctx context.Context, name, slug string) (news.Section, error) {
	name = collapseSpace(name)
	if to, ok := s.sectionMap[arabic.Normalize(name)]; ok && name != "" {
		if stored, err := s.store.SectionBySlug(ctx, to); err == nil {
			return stored, nil
		}
		name, slug = to, ""
	}
	if slug = strings.TrimSpace(slug); slug != "" {
		// A given slug becomes a URL path segment as it is: keep it to what
		// arabic.Slug makes ("..", "a/b" or "<b>" must not reach a link).
		if slug = sectionSlug(slug); slug == "" && name == "" {
			return news.Section{}, news.Errorf(news.EINVALID, "section slug has no letters")
		}
	}
	if name == "" && slug == "" {
		return news.Section{}, news.Errorf(news.EINVALID, "section is empty")
	}
	key := arabic.Normalize(name)
	s.mu.Lock()
	sec, ok := s.sections[key]
	s.mu.Unlock()
	if ok && (slug == "" || slug == sec.Slug) {
		return sec, nil
	}
	if slug != "" {
		if stored, err := s.store.SectionBySlug(ctx, slug); err == nil {
			return stored, nil
		} else if news.ErrorCode(err) != news.ENOTFOUND {
			return news.Section{}, err
		}
	} else if name != "" {
		if err := s.loadSections(ctx); err != nil {
			return news.Section{}, err
		}
		s.mu.Lock()
		sec, ok = s.sections[key]
		s.mu.Unlock()
		if ok {
			return sec, nil
		}
	}
	if name == "" {
		name = slug
	}
	if slug == "" {
		slug = sectionSlug(name)
	}
	if slug == "" {
		return news.Section{}, news.Errorf(news.EINVALID, "section name %q has no letters", name)
	}
	// Remember it at once, so later drafts of the same batch that spell
	// the name differently join this section instead of renaming it.
	sec = news.Section{Slug: slug, Name: name}
	s.mu.Lock()
	if prev, ok := s.sections[key]; ok {
		sec = prev
	} else if key != "" {
		s.sections[key] = sec
	}
	s.mu.Unlock()
	return sec, nil
}

func (s *Service) loadSections(ctx context.Context) error {
	stored, err := s.store.Sections(ctx)
	if err != nil {
		return fmt.Errorf("load sections: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range stored {
		k := arabic.Normalize(sec.Name)
		if _, ok := s.sections[k]; !ok {
			s.sections[k] = sec.Section
		}
	}
	return nil
}

// reservedSlugs are the first path segments the site routes itself: a
// section there would be shadowed (/search/, /archive/) or unreachable
// (/static/…).
var reservedSlugs = map[string]bool{"api": true, "archive": true, "author": true, "search": true, "static": true,
	"newsroom": true, "media": true, "tag": true, "feed": true, "feeds": true, "sitemap.xml": true, "sitemaps": true, "robots.txt": true,
	"healthz": true, "readyz": true, "websub": true}

// ReservedSlug reports whether a section slug would collide with one of
// the site's own paths.
func ReservedSlug(slug string) bool { return reservedSlugs[slug] }

// sectionSlug makes the slug of a section from a given slug or a name:
// arabic.Slug's form, kept off the site's own paths. "" when s has no
// letter or digit.
func sectionSlug(s string) string {
	slug := arabic.Slug(s)
	if reservedSlugs[slug] {
		slug += "-section"
	}
	return slug
}

// collapseSpace trims s, turns runs of white space into one space and
// drops bidi controls: one-line fields never keep them.
func collapseSpace(s string) string {
	return strings.Join(strings.Fields(arabic.StripBidiControls(s)), " ")
}

// Reindex recomputes the analyzed search text of every stored article, in
// batches, and returns how many it rewrote.
func Reindex(ctx context.Context, store news.Store, batch int, progress func(done int)) (int, error) {
	var after int64
	n := 0
	for {
		arts, err := store.ScanArticles(ctx, after, batch)
		if err != nil {
			return n, err
		}
		if len(arts) == 0 {
			return n, nil
		}
		docs := make([]news.SearchDoc, len(arts))
		for i, a := range arts {
			docs[i] = news.SearchDoc{ID: a.ID, SearchTitle: SearchTitle(a), SearchBody: SearchBody(a)}
		}
		if err := store.UpdateSearchText(ctx, docs); err != nil {
			return n, err
		}
		n += len(arts)
		after = arts[len(arts)-1].ID
		if progress != nil {
			progress(len(arts))
		}
	}
}

// cleanSEO collapses the white space of the SEO texts, as of the other
// one-line fields; what they may hold is the editor's to check.
func cleanSEO(seo news.SEO) news.SEO {
	seo.Title = collapseSpace(seo.Title)
	seo.Description = collapseSpace(seo.Description)
	seo.SocialTitle = collapseSpace(seo.SocialTitle)
	seo.SocialDescription = collapseSpace(seo.SocialDescription)
	seo.Canonical = strings.TrimSpace(seo.Canonical)
	return seo
}
