package main

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"sahafa/arabic"
	"sahafa/editorial"
	"sahafa/importer"
	"sahafa/importer/jsonl"
	"sahafa/importer/page"
	"sahafa/importer/wxr"
	"sahafa/news"
	"sahafa/newsroom"
	"sahafa/progress"
	"sahafa/publish"
	"sahafa/search"
)

// maxPageBytes bounds a scraped page read into memory.
const maxPageBytes = 32 << 20

func importFiles(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("import", stderr)
	format := fs.String("format", "", "force the input format: page, jsonl, wxr or html (default: detected from content)")
	batchSize := fs.Int("batch", 500, "articles per transaction")
	section := fs.String("section", "منوعات", "section of a web page whose own section is not found (html)")
	status := fs.String("status", "published", "status of an imported web page: published or draft (html)")
	fetchMedia := fs.Bool("fetch-media", false, "after the import, bring the articles' pictures of other sites into the library (as sahafa media fetch; its flags apply)")
	var ff fetchFlags
	ff.register(fs)
	sectionMap := map[string]string{}
	fs.Func("map-section", `put the source's section FROM into the site's existing section TO (name or slug): "تقارير مصرية=مصر"; repeatable`, func(v string) error {
		from, to, ok := strings.Cut(v, "=")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || from == "" || to == "" {
			return fmt.Errorf("want FROM=TO, got %q", v)
		}
		sectionMap[from] = to
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"import: name at least one FILE"}
	}
	switch importer.Format(*format) {
	case "", importer.FormatPage, importer.FormatJSONL, importer.FormatWXR, importer.FormatHTML:
	default:
		return usageError{fmt.Sprintf("--format: want page, jsonl, wxr or html, got %q", *format)}
	}
	if *batchSize < 1 || *batchSize > 10000 {
		return usageError{"--batch: want 1 to 10000"}
	}
	if *status != string(news.StatusPublished) && *status != string(news.StatusDraft) {
		return usageError{fmt.Sprintf("--status: want published or draft, got %q", *status)}
	}
	if err := ff.check(); err != nil {
		return err
	}
	webPage := htmlOptions{section: *section, status: news.Status(*status)}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(sectionMap) > 0 {
		if err := publish.CheckSectionMap(ctx, a.store, sectionMap); err != nil {
			return usageError{"--map-section: " + news.ErrorMessage(err)}
		}
		a.publish = publish.New(a.store, publish.Options{KnownSections: jsonl.Sections, SectionMap: sectionMap, OnChange: a.onChange})
	}

	var total importReport
	failed := 0
	for _, path := range fs.Args() {
		start := time.Now()
		rep, err := importFile(ctx, a, path, importer.Format(*format), *batchSize, webPage, stderr)
		rep.print(stdout, path, time.Since(start))
		total.add(rep)
		if err != nil {
			failed++
			fmt.Fprintf(stdout, "  error: %v\n", err)
			if ctx.Err() != nil {
				fmt.Fprintf(stdout, "  stopped: what was stored is stored whole; run the same import again to carry on (stored articles are updated, never duplicated)\n")
				break
			}
		}
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stdout, "total: %d created, %d updated, %d skipped\n", total.created, total.updated, len(total.skipped))
	}
	if f, ok := a.raw.(news.BulkWriteFinisher); ok && total.created+total.updated > 0 && ctx.Err() == nil {
		start := time.Now()
		if err := f.FinishBulkWrite(ctx); err != nil {
			return fmt.Errorf("after the import: %w", err)
		}
		fmt.Fprintf(stdout, "tuned the database for the new articles in %s\n", time.Since(start).Round(time.Millisecond))
	}
	if *fetchMedia && ctx.Err() == nil && len(total.ids) > 0 {
		if err := fetchPictures(ctx, a, ff, total.ids, stdout, stderr, logger); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be imported completely", failed, fs.NArg())
	}
	return nil
}

// newsroomImporter imports for the newsroom's import page as "sahafa
// import FILE" does, with its defaults, and returns the summary the
// command prints.
func newsroomImporter(a *app) newsroom.Importer {
	return func(ctx context.Context, path, name string, sectionMap map[string]string, progress io.Writer) (string, error) {
		job := *a
		if len(sectionMap) > 0 {
			if err := publish.CheckSectionMap(ctx, a.store, sectionMap); err != nil {
				return "", fmt.Errorf("the section map: %s", news.ErrorMessage(err))
			}
			job.publish = publish.New(a.store, publish.Options{KnownSections: jsonl.Sections, SectionMap: sectionMap, OnChange: a.onChange})
		}
		start := time.Now()
		rep, err := importFile(ctx, &job, path, "", 500, htmlOptions{section: "منوعات", status: news.StatusPublished}, progress)
		var b strings.Builder
		rep.print(&b, name, time.Since(start))
		return b.String(), err
	}
}

// importReport counts what one import did.
type importReport struct {
	format           importer.Format
	created, updated int
	skipped          []string // "line 12: reason"
	note             string   // one more line for the summary
	ids              []int64  // the articles stored (not for a whole-site restore)
}

func (r *importReport) add(o importReport) {
	r.created += o.created
	r.updated += o.updated
	r.skipped = append(r.skipped, o.skipped...)
	r.ids = append(r.ids, o.ids...)
}

// maxSkipLines is how many skip reasons one file prints before summarizing.
const maxSkipLines = 20

func (r importReport) print(w io.Writer, path string, took time.Duration) {
	fmt.Fprintf(w, "%s (%s): %d created, %d updated, %d skipped in %s\n",
		path, r.format, r.created, r.updated, len(r.skipped), took.Round(time.Millisecond))
	if r.note != "" {
		fmt.Fprintf(w, "  %s\n", r.note)
	}
	for i, s := range r.skipped {
		if i == maxSkipLines {
			fmt.Fprintf(w, "  … and %d more skipped\n", len(r.skipped)-maxSkipLines)
			break
		}
		fmt.Fprintf(w, "  skipped %s\n", s)
	}
}

// importFile imports one file; whatever was saved before an error stays
// saved in whole batches.
func importFile(ctx context.Context, a *app, path string, format importer.Format, batchSize int, webPage htmlOptions, stderr io.Writer) (importReport, error) {
	rep := importReport{format: format}
	if isURL(path) {
		rep.format = importer.FormatHTML
		return importURL(ctx, a, path, webPage, rep)
	}
	f, err := os.Open(path)
	if err != nil {
		return rep, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return rep, fmt.Errorf("%s is a folder, not a file", path)
	}
	br := bufio.NewReaderSize(f, 1<<20)
	if format == "" {
		head, err := br.Peek(4096)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return rep, fmt.Errorf("read: %w", err)
		}
		format, err = importer.Detect(head)
		if err != nil {
			return rep, fmt.Errorf("detect format: %w", err)
		}
		rep.format = format
	}
	switch format {
	case importer.FormatPage:
		return importPage(ctx, a, path, br, rep)
	case importer.FormatJSONL:
		site, gzipped, err := isSiteExport(br)
		if err != nil {
			return rep, fmt.Errorf("read: %w", err)
		}
		if site {
			rep.format = "sahafa-export"
			if gzipped {
				zr, err := gzip.NewReader(br)
				if err != nil {
					return rep, fmt.Errorf("read: %w", err)
				}
				return importSite(ctx, a, zr, rep, progress.New(stderr, "restore", "articles", 0, progress.Options{}))
			}
			return importSite(ctx, a, br, rep, progress.New(stderr, "restore", "articles", 0, progress.Options{}))
		}
		return importJSONL(ctx, a, br, batchSize, rep, progress.New(stderr, "import "+filepath.Base(path), "articles", 0, progress.Options{}))
	case importer.FormatWXR:
		return importWXR(ctx, a, br, rep)
	case importer.FormatHTML:
		return importHTML(ctx, a, br, "", webPage, rep)
	default:
		return rep, fmt.Errorf("format %q is not supported yet (supported: page, jsonl, wxr, html)", format)
	}
}

// importWXR imports a WordPress export all or nothing: the whole file is
// read first (a broken file names its line and element, and stores
// nothing), then every post is stored in one transaction.
func importWXR(ctx context.Context, a *app, r io.Reader, rep importReport) (importReport, error) {
	exp, err := wxr.Parse(r, wxr.Options{})
	if err != nil {
		return rep, fmt.Errorf("nothing was imported: %w", err)
	}
	for _, s := range exp.Skipped {
		rep.skipped = append(rep.skipped, s.String())
	}
	prep, err := a.publish.PrepareAll(ctx, exp.Posts)
	if err != nil {
		return rep, fmt.Errorf("nothing was imported: %w", err)
	}
	res, err := a.publish.Commit(ctx, prep)
	if err != nil {
		return rep, fmt.Errorf("nothing was imported: %w", err)
	}
	rep.created, rep.updated, rep.ids = res.Created, res.Updated, res.IDs
	for _, s := range res.Skipped {
		rep.skipped = append(rep.skipped, fmt.Sprintf("post %s: %s", s.Ref, s.Reason))
	}
	comments := exp.Comments
	pages, untitled, redirects, err := importWXRPages(ctx, a, exp.Pages, &rep)
	if err == nil {
		var more []news.PathRedirect
		if more, err = archiveRedirects(ctx, a, exp.Archives); err == nil {
			err = a.store.SaveRedirects(ctx, append(redirects, more...))
		}
	}
	rep.note = fmt.Sprintf("WordPress site %q: %d posts, %d comments kept, %d pages", exp.Title, len(exp.Posts), comments, pages)
	if untitled > 0 {
		rep.note += fmt.Sprintf(" (%d without a title, now titled by their first words: check them in the newsroom)", untitled)
	}
	rep.note += "; pictures stay on the old site until a media fetch (sahafa media fetch, or import --fetch-media)"
	if err != nil {
		return rep, fmt.Errorf("the posts are stored, but the pages or the old addresses stopped (run the import again to carry on): %w", err)
	}
	return rep, nil
}

// importWXRPages stores an export's pages as static pages (a page of the
// same address is replaced: importing again updates) and returns the
// redirects of their old addresses. The posts are stored before, in their
// own transaction; a page that cannot be stored is reported and skipped.
func importWXRPages(ctx context.Context, a *app, pages []wxr.Page, rep *importReport) (stored, untitled int, redirects []news.PathRedirect, err error) {
	policy := publish.BodyPolicy()
	for _, wp := range pages {
		pg := wp.Page
		pg.Body = policy.Sanitize(pg.Body)
		if pg.Slug = arabic.Slug(cmp.Or(pg.Slug, pg.Title)); pg.Slug == "" {
			pg.Slug = "page"
		}
		if _, err := a.store.SectionBySlug(ctx, pg.Slug); err == nil || editorial.ReservedPageSlug(pg.Slug) {
			pg.Slug += "-page" // the old address still leads here
		}
		switch old, err := a.store.PageBySlug(ctx, pg.Slug); news.ErrorCode(err) {
		case "":
			pg.ID, pg.Footer, pg.Position = old.ID, old.Footer, old.Position
		case news.ENOTFOUND:
		default:
			return stored, untitled, nil, err
		}
		saved, err := a.store.SavePage(ctx, pg)
		if news.ErrorCode(err) == news.EINVALID {
			rep.skipped = append(rep.skipped, fmt.Sprintf("line %d: %s: %s", wp.Line, wp.Ref, news.ErrorMessage(err)))
			continue
		}
		if err != nil {
			return stored, untitled, nil, err
		}
		if err := a.store.SavePageComments(ctx, saved.ID, wp.Comments); err != nil {
			return stored, untitled, nil, fmt.Errorf("the comments of page %q: %w", saved.Slug, err)
		}
		stored++
		if wp.Untitled {
			untitled++
		}
		to := news.PagePath(saved.Slug)
		for _, old := range wp.OldPaths {
			if news.RedirectKey(old) != news.RedirectKey(to) {
				redirects = append(redirects, news.PathRedirect{From: old, To: to})
			}
		}
	}
	return stored, untitled, redirects, nil
}

// archiveRedirects sends the old site's category, tag and author pages
// (and their feeds) to the section, tag and author pages of the posts they
// listed, as stored, and its attachment pages to the posts they belong to.
func archiveRedirects(ctx context.Context, a *app, archives []wxr.Archive) ([]news.PathRedirect, error) {
	stored := map[string]news.Article{}
	var out []news.PathRedirect
	for _, ar := range archives {
		art, ok := stored[ar.Post]
		if !ok {
			var err error
			switch art, err = a.store.ArticleByExternalID(ctx, ar.Post); news.ErrorCode(err) {
			case "":
				stored[ar.Post] = art
			case news.ENOTFOUND:
				continue // the post was skipped
			default:
				return nil, err
			}
		}
		to := ""
		switch ar.Kind {
		case "section":
			to = news.SectionPath(art.Section.Slug)
		case "tag":
			// By the name's slug, as the post's tags were made: a post
			// keeps at most news.MaxTags of them.
			switch t, err := a.store.TagBySlug(ctx, arabic.Slug(ar.Name)); news.ErrorCode(err) {
			case "":
				to = news.TagPath(t.Slug)
			case news.ENOTFOUND:
				// A tag past the post's news.MaxTags has no page here:
				// its page leads to the post it listed.
				if art.Status == news.StatusPublished {
					to = art.Path()
				}
			default:
				return nil, err
			}
		case "author":
			for _, au := range art.Authors {
				if arabic.Normalize(au.Name) == arabic.Normalize(ar.Name) || len(art.Authors) == 1 {
					to = news.AuthorPath(au.Slug)
				}
			}
		case "attachment":
			if art.Status == news.StatusPublished {
				to = art.Path()
			}
		}
		if to == "" || news.RedirectKey(ar.Path) == news.RedirectKey(to) {
			continue
		}
		out = append(out, news.PathRedirect{From: ar.Path, To: to})
		// The archive's feed (/category/x/feed/) leads to the list's feed
		// here; an archive sent to a post has none.
		if ar.Kind != "attachment" && strings.HasSuffix(ar.Path, "/") && strings.HasSuffix(to, "/") && to != art.Path() {
			out = append(out, news.PathRedirect{From: ar.Path + "feed/", To: to + "feed/"})
		}
	}
	return out, nil
}

func importPage(ctx context.Context, a *app, path string, r io.Reader, rep importReport) (importReport, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPageBytes+1))
	if err != nil {
		return rep, fmt.Errorf("read: %w", err)
	}
	if len(data) > maxPageBytes {
		return rep, fmt.Errorf("page is larger than %d MiB", maxPageBytes>>20)
	}
	p, err := page.Parse(string(data), page.Options{PublishedAt: time.Now()})
	if err != nil {
		return rep, fmt.Errorf("parse page: %w", err)
	}
	// A scraped page carries no ids: derive one from its section and
	// headline so that importing the same page again updates, never duplicates.
	base := filepath.Base(path)
	for i := range p.Drafts {
		d := &p.Drafts[i]
		if d.ExternalID == "" {
			sum := sha256.Sum256([]byte(d.SectionName + "\x00" + d.Title))
			d.ExternalID = "page:" + hex.EncodeToString(sum[:12])
		}
	}
	res, err := a.publish.Save(ctx, p.Drafts)
	rep.ids = res.IDs
	if err != nil {
		return rep, err
	}
	rep.created, rep.updated = res.Created, res.Updated
	for _, s := range res.Skipped {
		rep.skipped = append(rep.skipped, fmt.Sprintf("%s story %d (%s): %s", base, s.Index+1, s.Ref, s.Reason))
	}
	return rep, nil
}

// importJSONL reads, prepares and writes in a pipeline: while one batch
// is written in its transaction, the next ones are parsed and analyzed on
// the other cores. Batches stay whole: each is one transaction.
func importJSONL(ctx context.Context, a *app, r io.Reader, batchSize int, rep importReport, meter *progress.Meter) (importReport, error) {
	defer meter.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type batch struct {
		drafts []news.Draft
		lines  []int
		prep   publish.Prepared
		err    error
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	raw := make(chan *batch, workers)
	ready := make(chan *batch, workers)

	var readStats jsonl.Stats
	var readErr error
	readerDone := make(chan struct{})
	go func() { // reader
		defer close(readerDone)
		defer close(raw)
		cur := &batch{}
		readStats, readErr = jsonl.Read(r, func(line int, d news.Draft) error {
			cur.drafts = append(cur.drafts, d)
			cur.lines = append(cur.lines, line)
			if len(cur.drafts) < batchSize {
				return nil
			}
			select {
			case raw <- cur:
				cur = &batch{}
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		if len(cur.drafts) > 0 && readErr == nil {
			select {
			case raw <- cur:
			case <-ctx.Done():
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers { // preparers
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range raw {
				b.prep, b.err = a.publish.Prepare(ctx, b.drafts)
				select {
				case ready <- b:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(ready) }()

	var writeErr error
	for b := range ready { // the writer: this goroutine
		if writeErr != nil {
			continue // drain after a failure
		}
		err := b.err
		var res publish.Result
		if err == nil {
			res, err = a.publish.Commit(ctx, b.prep)
		}
		if err != nil {
			writeErr = fmt.Errorf("lines %d-%d: %w", b.lines[0], b.lines[len(b.lines)-1], err)
			cancel()
			continue
		}
		rep.created += res.Created
		rep.ids = append(rep.ids, res.IDs...)
		rep.updated += res.Updated
		meter.Add(res.Created + res.Updated)
		for _, s := range res.Skipped {
			rep.skipped = append(rep.skipped, fmt.Sprintf("line %d (%s): %s", b.lines[s.Index], s.Ref, s.Reason))
		}
	}
	<-readerDone
	for _, le := range readStats.Skipped {
		rep.skipped = append(rep.skipped, fmt.Sprintf("line %d: %s", le.Line, le.Reason))
	}
	switch {
	case writeErr != nil:
		return rep, writeErr
	case readErr != nil:
		return rep, readErr
	}
	return rep, nil
}

// articleTotal is how many articles the store holds in all, for a
// progress meter; 0 when it cannot tell.
func articleTotal(ctx context.Context, st news.Store) int {
	total := 0
	if counts, err := st.StatusCounts(ctx, 0); err == nil {
		for _, c := range counts {
			total += c
		}
	}
	return total
}

// reindex rebuilds the analyzed search text of every stored article.
func reindex(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("reindex", stderr)
	related := fs.Bool("related", false, "also compute every missing \"you may also read\" list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	meter := progress.New(stderr, "reindex", "articles", articleTotal(ctx, a.store), progress.Options{})
	n, err := publish.Reindex(ctx, a.store, 500, meter.Add)
	meter.Done()
	if err != nil {
		return fmt.Errorf("reindex after %d articles (run it again: it starts over): %w", n, err)
	}
	fmt.Fprintf(stdout, "reindexed %d articles in %s\n", n, time.Since(start).Round(time.Millisecond))
	if !*related {
		return nil
	}
	start = time.Now()
	engine := search.New(a.store)
	total := 0
	for {
		n, err := engine.WarmRelated(ctx, 200)
		if err != nil {
			return fmt.Errorf("related lists after %d: %w", total, err)
		}
		if n == 0 {
			break
		}
		total += n
	}
	fmt.Fprintf(stdout, "computed %d related lists in %s\n", total, time.Since(start).Round(time.Millisecond))
	return nil
}
