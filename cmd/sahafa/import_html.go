package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"sahafa/importer/htmlpage"
	"sahafa/news"
)

// htmlOptions are the import flags for web pages.
type htmlOptions struct {
	section string      // when the page names none
	status  news.Status // published or draft
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// fetchTimeout bounds fetching one page.
const fetchTimeout = 30 * time.Second

// importURL fetches a web page and imports the article it holds.
func importURL(ctx context.Context, a *app, pageURL string, opts htmlOptions, rep importReport) (importReport, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pageURL, nil)
	if err != nil {
		return rep, fmt.Errorf("fetch: %w", err)
	}
	req.Header.Set("User-Agent", "Sahafa/1 (news archive import)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return rep, fmt.Errorf("fetch: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return rep, fmt.Errorf("fetch: the server answered %s", res.Status)
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "" && mt != "text/html" && mt != "application/xhtml+xml" {
		return rep, fmt.Errorf("fetch: %s is %s, not an HTML page", pageURL, mt)
	}
	// Links and images resolve against where redirects ended.
	return importHTML(ctx, a, res.Body, res.Request.URL.String(), opts, rep)
}

// importHTML extracts the article of one web page and stores it.
func importHTML(ctx context.Context, a *app, r io.Reader, pageURL string, opts htmlOptions, rep importReport) (importReport, error) {
	d, err := htmlpage.Extract(r, pageURL, htmlpage.Options{})
	if err != nil {
		return rep, fmt.Errorf("extract the article: %s", news.ErrorMessage(err))
	}
	if d.SectionName == "" && d.SectionSlug == "" {
		d.SectionName = opts.section
	}
	d.Status = opts.status
	if d.PublishedAt.IsZero() {
		rep.note = "the page gives no publication date: dated now"
	}
	res, err := a.publish.Save(ctx, []news.Draft{d})
	if err != nil {
		return rep, err
	}
	rep.created, rep.updated, rep.ids = res.Created, res.Updated, res.IDs
	for _, s := range res.Skipped {
		rep.skipped = append(rep.skipped, fmt.Sprintf("%s: %s", s.Ref, s.Reason))
	}
	if len(res.IDs) == 1 {
		if art, err := a.store.EditorialArticle(ctx, res.IDs[0]); err == nil {
			path, _ := url.PathUnescape(art.Path())
			line := fmt.Sprintf("%q by %s, %s, at %s", art.Title, authorNames(art), art.Section.Name, path)
			if rep.note != "" {
				line += "; " + rep.note
			}
			rep.note = line
		}
	}
	return rep, nil
}

func authorNames(a news.Article) string {
	if len(a.Authors) == 0 {
		return "no author"
	}
	names := make([]string, len(a.Authors))
	for i, au := range a.Authors {
		names[i] = au.Name
	}
	return strings.Join(names, "، ")
}
