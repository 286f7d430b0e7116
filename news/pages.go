package news

import (
	"context"
	"net/url"
	"time"
)

// Page is a static page of the site (من نحن، اتصل بنا، سياسة الخصوصية …),
// written in the newsroom with the article editor and served at
// /{slug}/.
type Page struct {
	ID         int64
	Slug       string
	Title      string
	Body       string // sanitized HTML
	BodySource string // Markdown, when written without the rich-text editor; else ""
	// Footer puts a link to the page in every page's footer, in the order
	// of Position.
	Footer    bool
	Position  int
	UpdatedAt time.Time
}

// PagePath is the URL path of a static page.
func PagePath(slug string) string { return "/" + url.PathEscape(slug) + "/" }

// PageStore keeps the static pages.
type PageStore interface {
	// Pages lists every page by Position, then title.
	Pages(ctx context.Context) ([]Page, error)
	// PageBySlug returns one page.
	PageBySlug(ctx context.Context, slug string) (Page, error)
	// Page returns one page by id.
	Page(ctx context.Context, id int64) (Page, error)
	// SavePage creates a page (ID 0) or replaces one; a slug taken by
	// another page is ECONFLICT.
	SavePage(ctx context.Context, p Page) (Page, error)
	// DeletePage deletes a page.
	DeletePage(ctx context.Context, id int64) error
	// PageComments returns a page's comments (imported: readers comment
	// on articles), oldest first, in every status.
	PageComments(ctx context.Context, pageID int64) ([]Comment, error)
	// SavePageComments replaces a page's comments.
	SavePageComments(ctx context.Context, pageID int64, list []Comment) error
}

// CheckPage checks what a store requires of a page.
func CheckPage(p Page) error {
	if p.Slug == "" || p.Title == "" {
		return Errorf(EINVALID, "a page needs a title and an address")
	}
	return nil
}
