package postgres

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/storetest"
)

func comment(ext, text string, at time.Time) news.Comment {
	c := news.Comment{ExternalID: ext, Author: "قارئ " + ext, AuthorEmail: ext + "@example.com",
		AuthorURL: "https://example.com/" + ext, At: at, Text: text, Status: news.CommentApproved}
	if ext == "3" {
		c.Status = news.CommentPending
	}
	return c
}

func commentTexts(list []news.Comment) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.ExternalID+":"+c.Text)
	}
	return out
}

// TestSaveComments: r.Comments replaces an article's comments when set, in
// a batch where several records carry comments, and a later record of the
// same article wins; nil keeps them.
func TestSaveComments(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	day := time.Date(2020, 3, 1, 10, 0, 0, 0, time.UTC)
	recs := storetest.GeneratedBatch(rand.New(rand.NewPCG(7, 7)), 0, 3)
	recs[0].Comments = []news.Comment{comment("2", "ثانٍ", day.Add(2*time.Hour)), comment("1", "أول", day.Add(time.Hour))}
	recs[0].Comments[0].ParentID = "1"
	recs[1].Comments = []news.Comment{comment("3", "<b>غير موافق عليه</b>", day.Add(500*time.Millisecond))}
	res, err := s.SaveArticles(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Comments(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1:أول", "2:ثانٍ"}; !slices.Equal(commentTexts(got), want) {
		t.Fatalf("comments: %v, want %v (oldest first)", commentTexts(got), want)
	}
	c := got[1]
	if c.ArticleID != res.IDs[0] || c.ID == 0 || c.ParentID != "1" || c.Author != "قارئ 2" || c.AuthorEmail != "2@example.com" ||
		c.AuthorURL != "https://example.com/2" || !c.At.Equal(day.Add(2*time.Hour)) || c.At.Location() != time.UTC || c.Status != news.CommentApproved {
		t.Errorf("comment read back: %+v", c)
	}
	if got, _ := s.Comments(ctx, res.IDs[1]); len(got) != 1 || got[0].Status == news.CommentApproved || !got[0].At.Equal(day) {
		t.Errorf("comments of the second article: %+v (want one, not approved, at a whole second)", got)
	}
	if got, _ := s.Comments(ctx, res.IDs[2]); len(got) != 0 {
		t.Errorf("comments of an article saved without: %+v", got)
	}

	// An update without comments (nil) keeps them; two records of one
	// article in a batch: the later one's comments win; an empty list
	// clears them.
	again := slices.Clone(recs)
	again[0].Comments = nil
	again[1].Comments = []news.Comment{comment("4", "يُستبدل", day)}
	later := recs[1]
	later.Comments = []news.Comment{comment("5", "الأخير", day)}
	again = append(again, later)
	again[2].Comments = []news.Comment{}
	if _, err := s.SaveArticles(ctx, again); err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]string{{"1:أول", "2:ثانٍ"}, {"5:الأخير"}, nil} {
		got, err := s.Comments(ctx, res.IDs[i])
		if err != nil || !slices.Equal(commentTexts(got), want) {
			t.Errorf("article %d after the update: %v, %v; want %v", i, commentTexts(got), err, want)
		}
	}
	ex, err := s.Extras(ctx, res.IDs)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex[res.IDs[0]].Comments) != 2 || len(ex[res.IDs[1]].Comments) != 1 || len(ex[res.IDs[2]].Comments) != 0 {
		t.Errorf("extras: %+v", ex)
	}
}

// restored is a minimal article of a whole-site export.
func restored(id int64, slug string) news.RestoredArticle {
	a := news.Article{ID: id, Slug: slug, Title: "خبر " + slug, Body: "<p>نص</p>",
		Section:     news.Section{Slug: "local"},
		PublishedAt: time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2021, 6, 1, 8, 0, 0, 0, time.UTC),
		Status: news.StatusPublished, Version: 3, TimeSet: true, EverPublished: true,
		Authors: []news.Author{{ID: 40, Slug: "amal", Name: "أمل"}}}
	return news.RestoredArticle{ArticleRecord: news.ArticleRecord{Article: a, SearchTitle: "خبر", SearchBody: "نص"},
		Extras: news.ArticleExtras{Comments: []news.Comment{comment("9", "تعليق", a.PublishedAt)}}}
}

// TestRestoreHoldsWriteLock: a restore holds the schema's write lock from
// BeginRestore to its end, so that SaveArticles on another connection (here
// another server on the same schema) waits for its commit, then sees the
// restored articles and takes ids past them.
func TestRestoreHoldsWriteLock(t *testing.T) {
	_, dsn := newSchema(t)
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	rs, err := s.BeginRestore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Rollback()
	if err := rs.Sections([]news.Section{{ID: 7, Slug: "local", Name: "محليات"}}); err != nil {
		t.Fatal(err)
	}
	draft := restored(1001, "draft")
	draft.Status, draft.EverPublished = news.StatusDraft, false
	if err := rs.Articles([]news.RestoredArticle{restored(1000, "restored"), draft}); err != nil {
		t.Fatal(err)
	}

	rec := storetest.GeneratedBatch(rand.New(rand.NewPCG(3, 3)), 0, 1)[0]
	rec.Section = news.Section{Slug: "local", Name: "محليات"}
	type result struct {
		res news.SaveResult
		err error
		at  time.Time
	}
	done := make(chan result, 1)
	go func() {
		res, err := other.SaveArticles(ctx, []news.ArticleRecord{rec})
		done <- result{res, err, time.Now()}
	}()
	select {
	case r := <-done:
		t.Fatalf("SaveArticles did not wait for the restore: %+v", r)
	case <-time.After(500 * time.Millisecond):
	}
	// Nothing of the restore is visible before its commit.
	if list, err := other.Articles(ctx, news.ArticleFilter{}); err != nil || list.Total != 0 {
		t.Errorf("articles seen during the restore: %d, %v", list.Total, err)
	}
	committed := time.Now()
	if err := rs.Commit(); err != nil {
		t.Fatal(err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("SaveArticles still waiting 10s after the restore committed")
	}
	if r.err != nil {
		t.Fatalf("SaveArticles after the restore: %v", r.err)
	}
	if r.at.Before(committed) {
		t.Error("SaveArticles ended before the restore committed")
	}
	if len(r.res.IDs) != 1 || r.res.IDs[0] <= 1000 || !r.res.Created[0] {
		t.Errorf("saved after the restore: %+v, want a new article with an id past 1000", r.res)
	}
	a, err := other.Article(ctx, r.res.IDs[0])
	if err != nil || a.Section.ID != 7 {
		t.Errorf("the new article's section: %+v, %v (want the restored section 7)", a.Section, err)
	}
	old, err := s.Article(ctx, 1000)
	if err != nil || old.Version != 3 || len(old.Authors) != 1 || old.Authors[0].ID != 40 {
		t.Errorf("restored article: %+v, %v", old, err)
	}
	// A restored draft keeps the hidden lexeme: out of public searches.
	if res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"خبر"}}); err != nil || res.Total != 1 || res.Hits[0].ID != 1000 {
		t.Errorf("public search after the restore: %+v, %v (want article 1000 only)", res, err)
	}
	if res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"خبر"}, AllStatuses: true}); err != nil || res.Total != 2 {
		t.Errorf("newsroom search after the restore: %d, %v (want 2)", res.Total, err)
	}
	if c, err := s.Comments(ctx, 1000); err != nil || len(c) != 1 {
		t.Errorf("restored comments: %+v, %v", c, err)
	}
	if sec, err := other.SaveSection(ctx, news.Section{Slug: "sport", Name: "رياضة"}); err != nil || sec.ID <= 7 {
		t.Errorf("a new section after the restore: %+v, %v", sec, err)
	}
}

// TestSecondRestore: a second BeginRestore while one is open waits for the
// write lock, up to restoreLockWait, then fails with ECONFLICT; when the
// first one ends in time it goes on if that one rolled back (the site is
// still empty) and fails with ECONFLICT if it committed (the site is full).
func TestSecondRestore(t *testing.T) {
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	defer func(d time.Duration) { restoreLockWait = d }(restoreLockWait)

	first, err := s.BeginRestore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Users([]news.User{{ID: 3, Email: "a@example.com", Name: "أ", Role: news.RoleAdmin,
		PasswordHash: "x", CreatedAt: time.Now(), UpdatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}

	// Still held after the wait: ECONFLICT, soon.
	restoreLockWait = 300 * time.Millisecond
	start := time.Now()
	if _, err := s.BeginRestore(ctx); news.ErrorCode(err) != news.ECONFLICT {
		t.Fatalf("a second restore while one runs: %v, want ECONFLICT", err)
	}
	if d := time.Since(start); d < 300*time.Millisecond || d > 5*time.Second {
		t.Errorf("the second restore gave up after %v, want about restoreLockWait", d)
	}
	// The failed attempt left the first one working.
	if err := first.Settings(map[string]string{"site_name": "أ"}); err != nil {
		t.Fatal(err)
	}

	// The first one rolls back while the second waits: the second goes on.
	restoreLockWait = 30 * time.Second
	type begun struct {
		rs  news.Restorer
		err error
	}
	ch := make(chan begun, 1)
	go func() {
		rs, err := s.BeginRestore(ctx)
		ch <- begun{rs, err}
	}()
	time.Sleep(300 * time.Millisecond)
	if err := first.Rollback(); err != nil {
		t.Fatal(err)
	}
	b := <-ch
	if b.err != nil {
		t.Fatalf("a restore after one rolled back: %v", b.err)
	}
	second := b.rs
	if err := second.Users([]news.User{{ID: 3, Email: "a@example.com", Name: "أ", Role: news.RoleAdmin,
		PasswordHash: "x", CreatedAt: time.Now(), UpdatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}

	// The second one commits while a third waits: the site is full.
	go func() {
		rs, err := s.BeginRestore(ctx)
		ch <- begun{rs, err}
	}()
	time.Sleep(300 * time.Millisecond)
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	if b := <-ch; news.ErrorCode(b.err) != news.ECONFLICT {
		if b.rs != nil {
			b.rs.Rollback()
		}
		t.Fatalf("a restore after another committed: %v, want ECONFLICT", b.err)
	}
	if u, err := s.User(ctx, 3); err != nil || u.Email != "a@example.com" {
		t.Errorf("restored user: %+v, %v", u, err)
	}
	if err := second.Commit(); news.ErrorCode(err) != news.EINVALID {
		t.Errorf("a second Commit: %v, want EINVALID", err)
	}
	if err := second.Rollback(); err != nil {
		t.Errorf("Rollback after Commit: %v", err)
	}
}
