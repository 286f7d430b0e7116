package news

import (
	"context"
	"strings"
)

// PathRedirect sends an old address of the site that is not an article's
// (another system's page, archive or feed: "/about/", "/?page_id=2",
// "/category/local-news/") to where that content lives now.
type PathRedirect struct {
	From string // keyed as RedirectKey does
	To   string // a path of this site: "/about/", "/local/"
}

// RedirectStore keeps the old addresses that are not an article's.
type RedirectStore interface {
	// SaveRedirects adds redirects, replacing those from the same paths,
	// in one transaction; one that CheckRedirect refuses fails them all.
	SaveRedirects(ctx context.Context, rs []PathRedirect) error
	// RedirectTarget is where an old path goes; ENOTFOUND when nowhere.
	RedirectTarget(ctx context.Context, from string) (string, error)
	// PathRedirects lists them all, by old path (for exports).
	PathRedirects(ctx context.Context) ([]PathRedirect, error)
}

// maxRedirectPath bounds both ends of a redirect.
const maxRedirectPath = 2000

// CheckRedirect normalizes a redirect's old path (RedirectKey) and checks
// that it goes to a path of this site, never to another host.
func CheckRedirect(r PathRedirect) (PathRedirect, error) {
	from := RedirectKey(r.From)
	switch {
	case from == "" || from == "/" || len(from) > maxRedirectPath:
		return r, Errorf(EINVALID, "redirect from %q: not an old path of the site", clipText(r.From))
	case !strings.HasPrefix(r.To, "/") || strings.HasPrefix(r.To, "//") || strings.ContainsAny(r.To, "\\\r\n") || len(r.To) > maxRedirectPath:
		return r, Errorf(EINVALID, "redirect from %q to %q: the target must be a path of this site", clipText(r.From), clipText(r.To))
	case RedirectKey(r.To) == from:
		return r, Errorf(EINVALID, "redirect from %q to itself", clipText(r.From))
	}
	return PathRedirect{From: from, To: r.To}, nil
}

func clipText(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:80]) + "…"
	}
	return s
}
