package editorial_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
)

func TestEditImportedArticles(t *testing.T) { teststores.Each(t, testEditImportedArticles) }

// testEditImportedArticles: what an old site allowed does not stop an
// editor from saving an imported article — a post WordPress stored with
// no text, a picture without alt text — while articles written here
// still need both.
func testEditImportedArticles(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	pub := publish.New(f.store, publish.Options{})
	res, err := pub.Save(ctx, []news.Draft{
		{ExternalID: "wp:old:7", Source: "wordpress", Title: "منشور فارغ من الموقع القديم", SectionSlug: "culture", SectionName: "ثقافة",
			AllowEmpty: true, Status: news.StatusDraft, PublishedAt: f.now.Add(-time.Hour)},
		{ExternalID: "wp:old:8", Source: "wordpress", Title: "صور المهرجان", SectionSlug: "culture", SectionName: "ثقافة", Status: news.StatusDraft,
			Body:        `<p>صور من افتتاح المهرجان.</p><figure class="image"><img src="https://old.example/uploads/festival.jpg" alt=""></figure>`,
			PublishedAt: f.now.Add(-time.Hour)},
	})
	if err != nil || len(res.IDs) != 2 || len(res.Skipped) != 0 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	editor := f.users[news.RoleEditor]
	for _, id := range res.IDs {
		a, err := f.store.EditorialArticle(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		in := f.ed.InputFrom(a)
		in.Title += " (مراجع)"
		in.BodyFormat = editorial.BodyHTML
		saved, err := f.ed.Save(ctx, editor, in)
		if err != nil {
			t.Errorf("saving imported %q: %v", a.Title, err)
			continue
		}
		if !strings.HasSuffix(saved.Title, "(مراجع)") {
			t.Errorf("saved title %q", saved.Title)
		}
	}
	// Written here: the same picture without alt text is refused, and so
	// is an empty body.
	in := editorial.ArticleInput{Title: "مقال جديد بصورة", Section: "culture", BodyFormat: editorial.BodyHTML,
		Body: `<p>نص.</p><figure class="image"><img src="https://old.example/uploads/festival.jpg" alt=""></figure>`}
	if _, err := f.ed.Save(ctx, editor, in); !strings.Contains(err.Error(), "بلا نص بديل") {
		t.Errorf("a new article's image without alt text: %v", err)
	}
	in.Body = ""
	if _, err := f.ed.Save(ctx, editor, in); err == nil {
		t.Error("a new article with no text was saved")
	}
}
