package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/pagecache"
	"sahafa/store/teststores"
	"sahafa/web"
)

// TestRelativeTimes: lists give the time of articles of the last day as
// Arabic writes it, with the plural each number asks for (منذ دقيقة،
// منذ دقيقتين، منذ 3 دقائق، منذ 11 دقيقة، منذ ساعتين …), the exact time in
// the title, and the date for older ones; such a page is kept fresh for a
// minute only, and says so to the cache alone.
func TestRelativeTimes(t *testing.T) { teststores.Each(t, testRelativeTimes) }

func testRelativeTimes(t *testing.T, open teststores.OpenFunc) {
	ctx := context.Background()
	st := open(t)
	now := time.Now()
	ages := []struct {
		age  time.Duration
		want string
	}{
		{20 * time.Second, "منذ لحظات"},
		{time.Minute + 5*time.Second, "منذ دقيقة"},
		{2*time.Minute + 5*time.Second, "منذ دقيقتين"},
		{3*time.Minute + 5*time.Second, "منذ 3 دقائق"},
		{10*time.Minute + 5*time.Second, "منذ 10 دقائق"},
		{11*time.Minute + 5*time.Second, "منذ 11 دقيقة"},
		{59*time.Minute + 5*time.Second, "منذ 59 دقيقة"},
		{time.Hour + time.Minute, "منذ ساعة"},
		{2*time.Hour + time.Minute, "منذ ساعتين"},
		{5*time.Hour + time.Minute, "منذ 5 ساعات"},
		{23*time.Hour + time.Minute, "منذ 23 ساعة"},
	}
	var recs []news.ArticleRecord
	for i, a := range ages {
		recs = append(recs, news.ArticleRecord{Article: news.Article{ExternalID: fmt.Sprint("ago-", i), Slug: fmt.Sprint("ago-", i),
			Title: fmt.Sprintf("خبر رقم %d عن حركة المرور في العاصمة", i+1), Body: "<p>ازدحام في الطرق الرئيسية صباح اليوم.</p>",
			Section: secWorld, Authors: []news.Author{auYasser}, PublishedAt: now.Add(-a.age)}})
	}
	old := now.Add(-72 * time.Hour)
	recs = append(recs, news.ArticleRecord{Article: news.Article{ExternalID: "ago-old", Slug: "ago-old",
		Title: "خبر قديم عن افتتاح الجسر", Body: "<p>افتُتح الجسر الجديد.</p>", Section: secWorld,
		Authors: []news.Author{auYasser}, PublishedAt: old}})
	if _, err := st.SaveArticles(ctx, recs); err != nil {
		t.Fatal(err)
	}
	site, err := web.New(st, web.Options{PageSize: 20})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, site: site}
	r := f.mustGet("/world/", 200)
	for _, a := range ages {
		if !strings.Contains(r.body, ">"+a.want+"</time>") {
			t.Errorf("an article %v old: no %q on the section page", a.age, a.want)
		}
	}
	date := arabic.FormatDate(old.UTC(), arabic.Gregorian, arabic.LatinDigits)
	if !strings.Contains(r.body, `">`+date+`</time>`) {
		t.Errorf("the three-day-old article does not show its date %q", date)
	}
	if !strings.Contains(r.body, `title="`) {
		t.Error("relative times lack the exact time in their title")
	}
	if v := r.header.Get(pagecache.FreshForHeader); v != "" {
		t.Errorf("%s reached the client: %q", pagecache.FreshForHeader, v)
	}
	if hit := f.get("/world/"); hit.header.Get(pagecache.HeaderName) != "hit" {
		t.Errorf("a page with relative times is not cached at all: %q", hit.header.Get(pagecache.HeaderName))
	}
}
