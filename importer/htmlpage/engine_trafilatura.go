package htmlpage

import (
	"errors"
	"net/url"

	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// trafilaturaEngine runs go-trafilatura: its own extraction, with the
// Readability and DOM Distiller algorithms it bundles as fallbacks, and
// go-htmldate for the date (extensive mode: dates written out in Arabic
// text too).
func trafilaturaEngine(doc *html.Node, base *url.URL, m *pageMeta, sites []string) (libResult, error) {
	res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{
		OriginalURL:     base,
		EnableFallback:  true,
		ExcludeComments: true,
		IncludeImages:   true,
	})
	if err != nil {
		return libResult{}, err
	}
	if res == nil || res.ContentNode == nil {
		return libResult{}, errors.New("no content")
	}
	md := res.Metadata
	return libResult{
		Title:       md.Title,
		Byline:      md.Author,
		Description: md.Description,
		SiteName:    md.Sitename,
		Image:       md.Image,
		Date:        md.Date,
		Content:     res.ContentNode,
	}, nil
}
