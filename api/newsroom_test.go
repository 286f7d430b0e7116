package api_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"sahafa/api"
	"sahafa/news"
	"sahafa/store/teststores"
)

// The API carries what the newsroom adds to an article: tags, the lead
// image with absolute URLs, and, on a single article, its corrections;
// drafts stay out.
func TestNewsroomFields(t *testing.T) { teststores.Each(t, testNewsroomFields) }

func testNewsroomFields(t *testing.T, open teststores.OpenFunc) {
	ctx := context.Background()
	st := open(t)
	rec := news.ArticleRecord{Article: news.Article{ExternalID: "x1", Slug: "رفع-الفائدة", Title: "البنك المركزي يرفع الفائدة",
		Body: "<p>قرار جديد.</p>", Section: news.Section{Slug: "economy", Name: "اقتصاد"},
		PublishedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Tags:        []news.Tag{{Slug: "banks", Name: "المصارف"}},
		Image: &news.Image{URL: "/media/3/1024.jpg", Srcset: "/media/3/320.jpg 320w, /media/3/1024.jpg 1024w",
			Width: 1024, Height: 683, Alt: "مبنى البنك"}}, SearchTitle: "بنك", SearchBody: "قرار"}
	draft := rec
	draft.ExternalID, draft.Slug, draft.Status = "x2", "مسودة", news.StatusDraft
	res, err := st.SaveArticles(ctx, []news.ArticleRecord{rec, draft})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddCorrection(ctx, news.Correction{ArticleID: res.IDs[0], Text: "صُحّحت نسبة الزيادة."},
		news.Event{Action: news.ActionCorrection}); err != nil {
		t.Fatal(err)
	}
	h := api.NewWithOptions(st, api.Options{BaseURL: base, Logger: slog.New(slog.DiscardHandler)})
	get := func(path string, out any) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code == http.StatusOK {
			if err := json.Unmarshal(w.Body.Bytes(), out); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return w.Code
	}
	var a api.Article
	if code := get("/api/v1/articles/"+strconv.FormatInt(res.IDs[0], 10), &a); code != http.StatusOK {
		t.Fatalf("article: %d", code)
	}
	if len(a.Tags) != 1 || a.Tags[0].Name != "المصارف" || a.Image == nil || a.Image.URL != base+"/media/3/1024.jpg" ||
		a.Image.Srcset != base+"/media/3/320.jpg 320w, "+base+"/media/3/1024.jpg 1024w" || a.Image.Alt != "مبنى البنك" ||
		len(a.Corrections) != 1 || a.Corrections[0].Text != "صُحّحت نسبة الزيادة." {
		t.Errorf("article JSON: %+v", a)
	}
	if code := get("/api/v1/articles/"+strconv.FormatInt(res.IDs[1], 10), &a); code != http.StatusNotFound {
		t.Errorf("a draft through the API: %d", code)
	}
	var list api.ArticleList
	get("/api/v1/articles", &list)
	if list.Total != 1 || len(list.Articles[0].Tags) != 1 {
		t.Errorf("list: %+v", list)
	}
}
