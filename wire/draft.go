package wire

import (
	"context"
	"fmt"
	"html"
	"strings"

	"sahafa/editorial"
	"sahafa/importer/byline"
	"sahafa/ingest"
	"sahafa/news"
)

// Draft makes a draft from a wire story's latest version: its text, the
// agency credited at the end ("المصدر: …"), the dateline read with the
// byline parser (from the item's dateline, or from the first paragraph's
// lead "القاهرة (رويترز) -"), in the source's section (else the site's
// first), and a link back kept on the story so later versions are
// flagged on the draft. A story that already has a draft gives that one.
func (d *Desk) Draft(ctx context.Context, ed *editorial.Service, u news.User, itemID int64) (news.Article, bool, error) {
	it, err := d.opts.Store.WireItem(ctx, itemID)
	if err != nil {
		return news.Article{}, false, err
	}
	if it.ArticleID != 0 {
		if a, err := ed.Article(ctx, u, it.ArticleID); err == nil && a.DeletedAt.IsZero() {
			return a, false, nil
		}
	}
	if !it.Latest {
		versions, err := d.opts.Store.WireVersions(ctx, it.SourceID, it.GUID)
		if err != nil {
			return news.Article{}, false, err
		}
		if len(versions) > 0 {
			it = versions[0]
		}
	}
	if it.Status == ingest.StatusCanceled {
		return news.Article{}, false, news.Errorf(news.EINVALID, "سحبت الوكالة هذا الخبر: لا يُنشر")
	}
	src, err := d.opts.Store.WireSource(ctx, it.SourceID)
	if err != nil {
		return news.Article{}, false, err
	}
	section, err := d.sectionFor(ctx, src)
	if err != nil {
		return news.Article{}, false, err
	}
	body, dateline := it.Body, ""
	if it.Dateline != "" {
		b := byline.Parse(it.Dateline)
		dateline = b.Dateline
		if dateline == "" && len([]rune(it.Dateline)) <= 40 {
			dateline = it.Dateline
		}
	}
	if dateline == "" {
		dateline = leadDateline(body)
	}
	credit := src.Name
	if it.Provider != "" && it.Provider != src.Name {
		credit += " (" + it.Provider + ")"
	}
	if strings.TrimSpace(ingest.Text(body)) == "" { // a headline-only flash
		body = "<p>" + html.EscapeString(it.Headline) + "</p>"
	}
	body += "\n<p>المصدر: " + html.EscapeString(credit) + "</p>"
	in := editorial.ArticleInput{
		Title:      clip(it.Headline, 300),
		Abstract:   clip(it.Summary, 600),
		Body:       body,
		BodyFormat: "html",
		Section:    section,
		Authors:    strings.ReplaceAll(src.Name, ",", " "),
		Dateline:   clip(dateline, 100),
		Note:       clip(fmt.Sprintf("من الوارد: %s، الخبر %s، النسخة %d", src.Name, it.GUID, it.Version), 300),
	}
	a, err := ed.Save(ctx, u, in)
	if err != nil {
		return news.Article{}, false, err
	}
	if err := d.opts.Store.LinkWireDraft(ctx, it.ID, a.ID); err != nil {
		return a, true, fmt.Errorf("link the draft to the wire story: %w", err)
	}
	return a, true, nil
}

func (d *Desk) sectionFor(ctx context.Context, src news.WireSource) (string, error) {
	sections, err := d.opts.Store.Sections(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range sections {
		if s.ID == src.SectionID {
			return s.Slug, nil
		}
	}
	if len(sections) == 0 {
		return "", news.Errorf(news.EINVALID, "أضف قسمًا للموقع أولًا: المسودة تحتاج إلى قسم")
	}
	return sections[0].Slug, nil
}

// leadDateline reads "القاهرة (رويترز) - ..." at the start of a body.
func leadDateline(body string) string {
	text := ingest.Text(body)
	if b, _, ok := byline.SplitLead(text); ok {
		return b.Dateline
	}
	return ""
}
