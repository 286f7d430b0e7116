package newsroom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
)

func TestImportedImagesWithoutAlt(t *testing.T) { teststores.Each(t, testImportedImagesWithoutAlt) }

// testImportedImagesWithoutAlt: the editor of an imported article whose
// pictures came without alt text says how many lack it, and saving it as
// it is works.
func testImportedImagesWithoutAlt(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	res, err := publish.New(e.store, publish.Options{}).Save(context.Background(), []news.Draft{{ExternalID: "wp:old:9", Source: "wordpress",
		Title: "صور السوق القديم", SectionSlug: "world", SectionName: "أخبار العالم", Status: news.StatusDraft, PublishedAt: time.Now(),
		Body: `<p>جولة في السوق.</p><img src="https://old.example/a.jpg" alt=""><img src="https://old.example/b.jpg"><img src="https://old.example/c.jpg" alt="بائع التوابل">`}})
	if err != nil || len(res.IDs) != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	editor := e.as("editor")
	page := editor.get(fmt.Sprintf("/newsroom/articles/%d", res.IDs[0]))
	contains(t, "editor of the imported article", page.body, "في المقال 2 صورة بلا نص بديل")
}
