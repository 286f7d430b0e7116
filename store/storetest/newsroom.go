package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"sahafa/news"
)

// newsroomTests are the conformance tests of the newsroom's storage:
// statuses, versions, revisions, events, corrections, redirects, tags,
// sections, users, sessions, media, the scheduler's queue and settings.
var newsroomTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"UnpublishedStayHidden", testUnpublishedStayHidden},
	{"DraftURLDateFollowsPlan", testDraftURLDateFollowsPlan},
	{"VersionConflict", testVersionConflict},
	{"RevisionsAndEvents", testRevisionsAndEvents},
	{"Corrections", testCorrections},
	{"Redirects", testRedirects},
	{"Tags", testTags},
	{"SaveSection", testSaveSection},
	{"Users", testUsers},
	{"Sessions", testSessions},
	{"Media", testMedia},
	{"Scheduled", testScheduled},
	{"Settings", testSettings},
}

// draftOf is a fixture stored in another status, under its own key.
func draftOf(key, newKey string, st news.Status) news.ArticleRecord {
	rec := fixtureByKey(key).record()
	rec.ExternalID = newKey
	rec.Slug = newKey + "-" + rec.Slug
	rec.Title = "مسودة: " + rec.Title + " " + newKey
	rec.Status = st
	return rec
}

func saveOne(t *testing.T, s news.Store, rec news.ArticleRecord) int64 {
	t.Helper()
	res, err := s.SaveArticles(context.Background(), []news.ArticleRecord{rec})
	if err != nil {
		t.Fatalf("SaveArticles(%s): %v", rec.ExternalID, err)
	}
	return res.IDs[0]
}

// testUnpublishedStayHidden: drafts, articles in review, scheduled and
// unpublished ones never reach a public query, and the newsroom's queries
// see them all.
func testUnpublishedStayHidden(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	hidden := map[string]news.Status{"d1": news.StatusDraft, "d2": news.StatusReview,
		"d3": news.StatusScheduled, "d4": news.StatusUnpublished}
	hiddenIDs := map[int64]bool{}
	for key, st := range hidden {
		rec := draftOf("p1", key, st)
		rec.Tags = []news.Tag{{Slug: "water", Name: "المياه"}}
		id := saveOne(t, s, rec)
		hiddenIDs[id] = true
		a, err := s.EditorialArticle(ctx, id)
		if err != nil || a.Status != st {
			t.Fatalf("EditorialArticle(%s) = %v, %v; want status %s", key, a.Status, err, st)
		}
		if _, err := s.Article(ctx, id); news.ErrorCode(err) != news.ENOTFOUND {
			t.Errorf("Article(%s %s) = %v, want not found", st, key, err)
		}
		if _, err := s.ArticleByPath(ctx, a.Section.Slug, a.URLDate(), a.Slug); news.ErrorCode(err) != news.ENOTFOUND {
			t.Errorf("ArticleByPath(%s %s) = %v, want not found", st, key, err)
		}
		if got, err := s.ArticleByExternalID(ctx, key); err != nil || got.ID != id {
			t.Errorf("ArticleByExternalID(%s) = %d, %v", key, got.ID, err)
		}
	}
	noHidden := func(what string, list []news.Article) {
		t.Helper()
		for _, a := range list {
			if hiddenIDs[a.ID] {
				t.Errorf("%s lists %s article %d", what, a.Status, a.ID)
			}
		}
	}
	list, err := s.Articles(ctx, news.ArticleFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	noHidden("Articles", list.Articles)
	if list.Total != len(fixtures) {
		t.Errorf("Articles total %d, want %d", list.Total, len(fixtures))
	}
	bySection, _ := s.Articles(ctx, news.ArticleFilter{SectionSlug: "politics", AuthorSlug: "layla-haddad", Limit: 100})
	noHidden("Articles(section, author)", bySection.Articles)
	byTag, _ := s.Articles(ctx, news.ArticleFilter{TagSlug: "water"})
	if byTag.Total != 0 {
		t.Errorf("Articles(tag of hidden articles only) total %d", byTag.Total)
	}

	// The word المياه is in p1 and in every hidden copy of it.
	q := news.SearchQuery{Terms: []string{"المياه"}, Limit: 50}
	for _, byDate := range []bool{false, true} {
		q.ByDate = byDate
		res, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != ids["p1"] {
			t.Errorf("public Search(byDate %v) = %d hits %v, want only p1", byDate, res.Total, hitKeys(res.Hits))
		}
		q.SectionSlug = "politics" // the joined path too
		if res, _ := s.Search(ctx, q); res.Total != 1 {
			t.Errorf("public Search(section, byDate %v) total %d, want 1", byDate, res.Total)
		}
		q.SectionSlug = ""
	}
	all, err := s.Search(ctx, news.SearchQuery{Terms: []string{"المياه"}, AllStatuses: true, Limit: 50})
	if err != nil || all.Total != 5 {
		t.Errorf("newsroom Search total %d (%v), want 5", all.Total, err)
	}
	inReview, err := s.Search(ctx, news.SearchQuery{Terms: []string{"المياه"}, AllStatuses: true,
		Statuses: []news.Status{news.StatusReview}})
	if err != nil || inReview.Total != 1 || inReview.Hits[0].Status != news.StatusReview {
		t.Errorf("newsroom Search(review) = %d hits, %v", inReview.Total, err)
	}

	rel, _, err := s.Related(ctx, ids["p2"], 50)
	if err != nil {
		t.Fatal(err)
	}
	noHidden("Related (nearest)", rel)
	var some []int64
	for id := range hiddenIDs {
		some = append(some, id)
	}
	if err := s.SetRelated(ctx, ids["p3"], append(some, ids["p4"])); err != nil {
		t.Fatal(err)
	}
	rel, stored, err := s.Related(ctx, ids["p3"], 50)
	if err != nil || !stored {
		t.Fatalf("Related(p3) stored %v, %v", stored, err)
	}
	noHidden("Related (stored)", rel)
	if len(rel) != 1 || rel[0].ID != ids["p4"] {
		t.Errorf("Related(p3) = %v, want p4 only", keys(rel))
	}
	missing, _ := s.MissingRelated(ctx, 1000)
	for _, id := range missing {
		if hiddenIDs[id] {
			t.Errorf("MissingRelated lists hidden article %d", id)
		}
	}
	counts, err := s.PublicationCounts(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range counts {
		n += c.Count
	}
	if n != len(fixtures) {
		t.Errorf("PublicationCounts sum %d, want %d", n, len(fixtures))
	}
	secs, _ := s.Sections(ctx)
	for _, sec := range secs {
		if sec.Slug == "politics" && sec.Articles != 4 {
			t.Errorf("Sections: politics has %d articles, want 4", sec.Articles)
		}
	}
	tags, _ := s.Tags(ctx)
	if len(tags) != 1 || tags[0].Articles != 0 {
		t.Errorf("Tags = %+v, want one tag with 0 published articles", tags)
	}
	if _, total, _ := s.TermDocFreqs(ctx, []string{"المياه"}); total != len(fixtures) {
		t.Errorf("TermDocFreqs total %d, want %d published", total, len(fixtures))
	}

	// The newsroom's lists.
	el, err := s.EditorialArticles(ctx, news.EditorialFilter{Statuses: []news.Status{news.StatusDraft, news.StatusReview}})
	if err != nil || el.Total != 2 {
		t.Errorf("EditorialArticles(draft, review) total %d, %v", el.Total, err)
	}
	for _, a := range el.Articles {
		if a.Status != news.StatusDraft && a.Status != news.StatusReview {
			t.Errorf("EditorialArticles(draft, review) lists a %s article", a.Status)
		}
	}
	everything, _ := s.EditorialArticles(ctx, news.EditorialFilter{Limit: 100})
	if everything.Total != len(fixtures)+4 {
		t.Errorf("EditorialArticles() total %d, want %d", everything.Total, len(fixtures)+4)
	}
	sc, err := s.StatusCounts(ctx, 0)
	if err != nil || sc[news.StatusPublished] != len(fixtures) || sc[news.StatusDraft] != 1 || sc[news.StatusScheduled] != 1 {
		t.Errorf("StatusCounts = %v, %v", sc, err)
	}

	// Publishing a draft shows it; reindexing keeps the others hidden.
	rec := draftOf("p1", "d1", news.StatusPublished)
	pub := saveOne(t, s, rec)
	if _, err := s.Article(ctx, pub); err != nil {
		t.Errorf("published draft: %v", err)
	}
	var docs []news.SearchDoc
	for id := range hiddenIDs {
		docs = append(docs, news.SearchDoc{ID: id, SearchTitle: "المياه", SearchBody: "المياه"})
	}
	if err := s.UpdateSearchText(ctx, docs); err != nil {
		t.Fatal(err)
	}
	res, _ := s.Search(ctx, news.SearchQuery{Terms: []string{"المياه"}, Limit: 50})
	if res.Total != 2 {
		t.Errorf("after publishing d1 and reindexing: public Search total %d, want 2 (p1, d1)", res.Total)
	}
}

// testDraftURLDateFollowsPlan: until an article is first published, its
// URL date follows its planned time; from then on it is fixed.
func testDraftURLDateFollowsPlan(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := draftOf("e1", "plan", news.StatusDraft)
	id := saveOne(t, s, rec)
	rec.ID = id
	rec.PublishedAt = rec.PublishedAt.AddDate(0, 0, 3)
	saveOne(t, s, rec)
	a, _ := s.EditorialArticle(ctx, id)
	if want := (news.Article{PublishedAt: rec.PublishedAt}).URLDate(); !a.URLDate().Equal(want) || a.EverPublished {
		t.Errorf("draft URL date %v (ever published %v), want %v", a.URLDate(), a.EverPublished, want)
	}
	rec.Status = news.StatusPublished
	saveOne(t, s, rec)
	published, _ := s.Article(ctx, id)
	rec.PublishedAt = rec.PublishedAt.AddDate(0, 0, 5)
	rec.Status = news.StatusUnpublished
	saveOne(t, s, rec)
	rec.Status = news.StatusPublished
	saveOne(t, s, rec)
	again, err := s.Article(ctx, id)
	if err != nil || again.Path() != published.Path() || !again.EverPublished {
		t.Errorf("republished at %s (%v), want the first URL %s", again.Path(), err, published.Path())
	}
}

// testVersionConflict: an edit over a stale version is refused and changes
// nothing; versions count saves.
func testVersionConflict(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := draftOf("e2", "v", news.StatusDraft)
	id := saveOne(t, s, rec)
	a, _ := s.EditorialArticle(ctx, id)
	if a.Version != 1 {
		t.Errorf("new article version %d, want 1", a.Version)
	}
	rec.ID, rec.ExpectVersion = id, 1
	rec.Title = "العنوان بعد التعديل الأول"
	saveOne(t, s, rec)
	stale := rec
	stale.Title = "تعديل على نسخة قديمة"
	_, err := s.SaveArticles(ctx, []news.ArticleRecord{stale})
	wantCode(t, "save over version 1 after version 2", err, news.ECONFLICT)
	a, _ = s.EditorialArticle(ctx, id)
	if a.Title != "العنوان بعد التعديل الأول" || a.Version != 2 {
		t.Errorf("after a refused save: %q version %d", a.Title, a.Version)
	}
}

// testRevisionsAndEvents: saves with revision metadata keep numbered
// revisions (the imported state first), and events record the workflow.
func testRevisionsAndEvents(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	rec := fixtureByKey("e3").record()
	rec.ID = ids["e3"]
	rec.Title = "صادرات التمور تسجل رقما قياسيا جديدا"
	rec.BodySource = "صادرات **التمور** ترتفع."
	rec.Tags = []news.Tag{{Slug: "dates", Name: "التمور"}}
	rec.Revision = &news.RevisionMeta{UserID: 0, UserName: "ليلى", Note: "عنوان أدق"}
	rec.Event = &news.Event{UserName: "ليلى", Action: news.ActionSave, From: news.StatusPublished, To: news.StatusPublished}
	saveOne(t, s, rec)
	rec.Title = "صادرات التمور: رقم قياسي"
	rec.Revision.Note = "اختصار"
	rec.Event = nil
	saveOne(t, s, rec)

	revs, err := s.Revisions(ctx, ids["e3"])
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 3 || revs[0].Number != 3 || revs[2].Number != 1 {
		t.Fatalf("Revisions = %+v, want 3, 2, 1", revs)
	}
	if revs[2].Note != news.FirstRevisionNote || revs[1].Note != "عنوان أدق" || revs[1].UserName != "ليلى" {
		t.Errorf("revision notes %q, %q, by %q", revs[2].Note, revs[1].Note, revs[1].UserName)
	}
	first, err := s.Revision(ctx, ids["e3"], 1)
	if err != nil {
		t.Fatal(err)
	}
	f := fixtureByKey("e3")
	if first.Data.Title != f.title || first.Data.BodySource != f.body || first.Data.SectionSlug != "economy" ||
		!slices.Equal(first.Data.Authors, []string{layla.Name}) {
		t.Errorf("revision 1 (imported state) = %+v", first.Data)
	}
	second, _ := s.Revision(ctx, ids["e3"], 2)
	if second.Data.Title != "صادرات التمور تسجل رقما قياسيا جديدا" || second.Data.BodySource != rec.BodySource ||
		!slices.Equal(second.Data.Tags, []string{"التمور"}) || second.Data.Slug == "" {
		t.Errorf("revision 2 = %+v", second.Data)
	}
	if _, err := s.Revision(ctx, ids["e3"], 9); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("Revision(9) = %v, want not found", err)
	}
	evs, err := s.Events(ctx, ids["e3"])
	if err != nil || len(evs) != 1 || evs[0].Action != news.ActionSave || evs[0].UserName != "ليلى" ||
		evs[0].From != news.StatusPublished || evs[0].At.IsZero() {
		t.Errorf("Events = %+v, %v", evs, err)
	}
}

func testCorrections(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	at := time.Date(2026, 3, 20, 9, 30, 0, 0, time.UTC)
	c, err := s.AddCorrection(ctx, news.Correction{ArticleID: ids["e1"], At: at,
		Text: "صُحّح مقدار الزيادة: نصف نقطة مئوية لا نقطة كاملة."},
		news.Event{UserName: "المحرر", Action: news.ActionCorrection})
	if err != nil || c.ID == 0 {
		t.Fatalf("AddCorrection: %+v, %v", c, err)
	}
	a, err := s.Article(ctx, ids["e1"])
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Corrections) != 1 || a.Corrections[0].Text != c.Text || !a.Corrections[0].At.Equal(at) {
		t.Errorf("Article corrections = %+v", a.Corrections)
	}
	if !a.UpdatedAt.Equal(at) {
		t.Errorf("updated_at %v, want the correction's time %v", a.UpdatedAt, at)
	}
	if evs, _ := s.Events(ctx, ids["e1"]); len(evs) != 1 || evs[0].Action != news.ActionCorrection {
		t.Errorf("events after a correction: %+v", evs)
	}
	_, err = s.AddCorrection(ctx, news.Correction{ArticleID: 999999, Text: "x"}, news.Event{Action: news.ActionCorrection})
	wantCode(t, "correction of a missing article", err, news.ENOTFOUND)
}

// testRedirects: a public article's old path and given old paths lead to
// it; its current path never redirects; hidden articles are not reached.
func testRedirects(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	before, _ := s.Article(ctx, ids["s2"])
	rec := fixtureByKey("s2").record()
	rec.Slug = "الوحدة-مدرب-جديد"
	rec.OldPaths = []string{"https://old.example.com/2019/05/wahda-coach/", "/?p=123"}
	saveOne(t, s, rec)
	after, _ := s.Article(ctx, ids["s2"])
	if after.Slug != "الوحدة-مدرب-جديد" {
		t.Fatalf("slug %q", after.Slug)
	}
	for _, p := range []string{before.Path(), "/2019/05/wahda-coach", "/2019/05/wahda-coach/", "/?p=123"} {
		got, err := s.ArticleByOldPath(ctx, p)
		if err != nil || got.ID != ids["s2"] {
			t.Errorf("ArticleByOldPath(%s) = %d, %v", p, got.ID, err)
		}
	}
	if _, err := s.ArticleByOldPath(ctx, after.Path()); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the current path redirects: %v", err)
	}
	// Back to the first slug: that path is live again, not a redirect.
	rec.Slug, rec.OldPaths = fixtureByKey("s2").slug, nil
	saveOne(t, s, rec)
	if _, err := s.ArticleByOldPath(ctx, before.Path()); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the restored path still redirects: %v", err)
	}
	if got, err := s.ArticleByOldPath(ctx, after.Path()); err != nil || got.ID != ids["s2"] {
		t.Errorf("the second path does not redirect: %v", err)
	}
	rec.Status = news.StatusUnpublished
	saveOne(t, s, rec)
	if _, err := s.ArticleByOldPath(ctx, "/?p=123"); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("a redirect reaches an unpublished article: %v", err)
	}
	// A draft never published leaves no redirects behind when renamed.
	d := draftOf("s3", "dr", news.StatusDraft)
	id := saveOne(t, s, d)
	old, _ := s.EditorialArticle(ctx, id)
	d.ID, d.Slug, d.Status = id, "اسم-آخر", news.StatusPublished
	saveOne(t, s, d)
	if _, err := s.ArticleByOldPath(ctx, old.Path()); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("a draft's earlier path redirects: %v", err)
	}
}

func testTags(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	tagged := func(key string, tags ...news.Tag) {
		rec := fixtureByKey(key).record()
		rec.Tags = tags
		saveOne(t, s, rec)
	}
	oil := news.Tag{Slug: "oil", Name: "النفط"}
	banks := news.Tag{Slug: "banks", Name: "المصارف"}
	tagged("e1", banks, oil)
	tagged("e2", oil, oil)
	a, _ := s.Article(ctx, ids["e1"])
	if len(a.Tags) != 2 || a.Tags[0].Slug != "banks" || a.Tags[1].Name != "النفط" {
		t.Errorf("e1 tags = %+v", a.Tags)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{TagSlug: "oil"})
	if err != nil || list.Total != 2 || !slices.Equal(keys(list.Articles), []string{"e2", "e1"}) {
		t.Errorf("Articles(tag oil) = %v, %v", keys(list.Articles), err)
	}
	for _, a := range list.Articles {
		if len(a.Tags) == 0 {
			t.Errorf("a list article %s lacks its tags", a.ExternalID)
		}
	}
	all, _ := s.Tags(ctx)
	if len(all) != 2 || all[0].Slug != "banks" || all[0].Articles != 1 || all[1].Articles != 2 {
		t.Errorf("Tags = %+v", all)
	}
	got, err := s.TagBySlug(ctx, "oil")
	if err != nil || got.Name != "النفط" {
		t.Fatalf("TagBySlug = %+v, %v", got, err)
	}
	got.Name = "أسعار النفط"
	if _, err := s.SaveTag(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.TagBySlug(ctx, "oil"); again.Name != "أسعار النفط" {
		t.Errorf("renamed tag = %+v", again)
	}
	_, err = s.SaveTag(ctx, news.Tag{Slug: "banks", Name: "مكرر"})
	wantCode(t, "a tag with a taken slug", err, news.ECONFLICT)
	_, err = s.TagBySlug(ctx, "none")
	wantCode(t, "TagBySlug(none)", err, news.ENOTFOUND)
	// Re-saving without tags removes them.
	tagged("e2")
	if list, _ := s.Articles(ctx, news.ArticleFilter{TagSlug: "oil"}); list.Total != 1 {
		t.Errorf("after untagging e2: %d articles tagged oil", list.Total)
	}
}

func testSaveSection(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	sec, err := s.SaveSection(ctx, news.Section{Slug: "culture", Name: "ثقافة"})
	if err != nil || sec.ID == 0 {
		t.Fatalf("SaveSection(new) = %+v, %v", sec, err)
	}
	sec.Name = "ثقافة وفنون"
	if _, err := s.SaveSection(ctx, sec); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.SectionBySlug(ctx, "culture"); got.Name != "ثقافة وفنون" {
		t.Errorf("renamed section = %+v", got)
	}
	_, err = s.SaveSection(ctx, news.Section{Slug: "politics", Name: "سياسة أخرى"})
	wantCode(t, "a section with a taken slug", err, news.ECONFLICT)
	_, err = s.SaveSection(ctx, news.Section{ID: 99999, Slug: "x", Name: "س"})
	wantCode(t, "renaming a missing section", err, news.ENOTFOUND)
}

func newUser(email string, role news.Role) news.User {
	return news.User{Email: email, Name: "مستخدم " + string(role), Role: role, PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA"}
}

func testUsers(t *testing.T, s news.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, newUser("huda@example.com", news.RoleEditor))
	if err != nil || u.ID == 0 || u.CreatedAt.IsZero() {
		t.Fatalf("CreateUser = %+v, %v", u, err)
	}
	_, err = s.CreateUser(ctx, newUser("huda@example.com", news.RoleWriter))
	wantCode(t, "a second user with the same email", err, news.ECONFLICT)
	_, err = s.CreateUser(ctx, news.User{Email: "x@example.com", Name: "س", Role: "boss", PasswordHash: "h"})
	wantCode(t, "a user with an unknown role", err, news.EINVALID)

	u.Name, u.Role, u.Disabled = "هدى الأحمد", news.RoleAdmin, true
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.UserByEmail(ctx, "huda@example.com")
	if err != nil || got.Name != "هدى الأحمد" || got.Role != news.RoleAdmin || !got.Disabled || got.PasswordHash != u.PasswordHash {
		t.Errorf("UserByEmail = %+v, %v", got, err)
	}
	if byID, err := s.User(ctx, u.ID); err != nil || byID.Email != u.Email {
		t.Errorf("User(id) = %+v, %v", byID, err)
	}
	_, err = s.User(ctx, 424242)
	wantCode(t, "User(missing)", err, news.ENOTFOUND)
	other, _ := s.CreateUser(ctx, newUser("ali@example.com", news.RoleContributor))
	other.Email = "huda@example.com"
	wantCode(t, "taking another user's email", s.UpdateUser(ctx, other), news.ECONFLICT)
	users, err := s.Users(ctx)
	if err != nil || len(users) != 2 {
		t.Errorf("Users = %d, %v", len(users), err)
	}
}

func testSessions(t *testing.T, s news.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, newUser("sami@example.com", news.RoleWriter))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	mk := func(token string, expires time.Time) news.Session {
		ss, err := s.CreateSession(ctx, news.Session{TokenHash: []byte(token), UserID: u.ID, CSRFToken: "csrf-" + token,
			CreatedAt: now, LastSeen: now, ExpiresAt: expires, UserAgent: "Chromium", Address: "127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		return ss
	}
	a := mk("token-a", now.Add(time.Hour))
	b := mk("token-b", now.Add(2*time.Hour))
	mk("token-old", now.Add(-time.Minute))
	ss, user, err := s.SessionByToken(ctx, []byte("token-a"), now)
	if err != nil || ss.ID != a.ID || user.ID != u.ID || ss.CSRFToken != "csrf-token-a" || !bytes.Equal(ss.TokenHash, []byte("token-a")) {
		t.Fatalf("SessionByToken = %+v, %+v, %v", ss, user, err)
	}
	_, _, err = s.SessionByToken(ctx, []byte("token-old"), now)
	wantCode(t, "an expired session", err, news.ENOTFOUND)
	_, _, err = s.SessionByToken(ctx, []byte("token-a"), now.Add(time.Hour))
	wantCode(t, "a session at its expiry", err, news.ENOTFOUND)
	if err := s.TouchSession(ctx, a.ID, now.Add(30*time.Minute), now.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ss, _, err := s.SessionByToken(ctx, []byte("token-a"), now.Add(2*time.Hour)); err != nil || !ss.LastSeen.Equal(now.Add(30*time.Minute)) {
		t.Errorf("touched session = %+v, %v", ss, err)
	}
	list, err := s.UserSessions(ctx, u.ID, now)
	if err != nil || len(list) != 2 || list[0].ID != a.ID {
		t.Errorf("UserSessions = %+v, %v (want a, b; not the expired one)", list, err)
	}
	n, err := s.DeleteUserSessions(ctx, u.ID, a.ID)
	if err != nil || n != 2 {
		t.Errorf("DeleteUserSessions(keep a) = %d, %v; want 2 (b and the expired one)", n, err)
	}
	if _, _, err := s.SessionByToken(ctx, []byte("token-b"), now); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("session b after sign-out elsewhere: %v", err)
	}
	if err := s.DeleteSession(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionByToken(ctx, []byte("token-a"), now); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("session a after sign-out: %v", err)
	}
	_ = b
}

func testMedia(t *testing.T, s news.Store) {
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, newUser("photo@example.com", news.RoleWriter))
	files := []news.MediaFile{
		{MediaVariant: news.MediaVariant{Width: 320, Height: 213, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("small")},
		{MediaVariant: news.MediaVariant{Width: 640, Height: 427, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("larger image")},
	}
	m, err := s.SaveMedia(ctx, news.Media{UserID: u.ID, Alt: "سوق التمور في الأحساء", Caption: "موسم الحصاد",
		Format: "jpeg", Width: 640, Height: 427}, files)
	if err != nil || m.ID == 0 {
		t.Fatalf("SaveMedia = %+v, %v", m, err)
	}
	got, err := s.Media(ctx, m.ID)
	if err != nil || got.Alt != "سوق التمور في الأحساء" || len(got.Variants) != 2 || got.Variants[1].Size != len("larger image") ||
		got.UserID != u.ID {
		t.Errorf("Media = %+v, %v", got, err)
	}
	f, err := s.MediaFile(ctx, m.ID, 640)
	if err != nil || string(f.Data) != "larger image" || f.ContentType != "image/jpeg" || f.Height != 427 {
		t.Errorf("MediaFile(640) = %+v, %v", f.MediaVariant, err)
	}
	_, err = s.MediaFile(ctx, m.ID, 1024)
	wantCode(t, "MediaFile(missing width)", err, news.ENOTFOUND)
	_, err = s.SaveMedia(ctx, news.Media{Alt: " ", Format: "png", Width: 1, Height: 1}, files)
	wantCode(t, "SaveMedia without alt text", err, news.EINVALID)
	got.Alt, got.Credit = "سوق التمور", "تصوير: سلمى"
	if err := s.UpdateMedia(ctx, got); err != nil {
		t.Fatal(err)
	}
	s.SaveMedia(ctx, news.Media{Alt: "صورة ثانية", Format: "png", Width: 320, Height: 213}, files[:1])
	list, err := s.MediaList(ctx, news.MediaFilter{Limit: 10})
	if err != nil || list.Total != 2 || len(list.Media) != 2 || list.Media[1].Credit != "تصوير: سلمى" {
		t.Errorf("MediaList = %+v, %v", list, err)
	}
	mine, _ := s.MediaList(ctx, news.MediaFilter{UserID: u.ID})
	if mine.Total != 1 {
		t.Errorf("MediaList(user) total %d", mine.Total)
	}
	// The editor's picker searches alt text, caption and credit; LIKE's
	// own characters in the query match themselves only.
	for q, want := range map[string]int{"التمور": 1, "سلمى": 1, "صورة": 1, "%": 0, "_": 0, "لا يوجد": 0} {
		found, err := s.MediaList(ctx, news.MediaFilter{Query: q, Limit: 10})
		if err != nil || found.Total != want || len(found.Media) != want {
			t.Errorf("MediaList(query %q) = %d (%d), %v; want %d", q, found.Total, len(found.Media), err, want)
		}
	}
}

func testScheduled(t *testing.T, s news.Store) {
	ctx := context.Background()
	if next, err := s.NextScheduled(ctx); err != nil || !next.IsZero() {
		t.Errorf("NextScheduled on an empty store = %v, %v", next, err)
	}
	a := draftOf("s1", "sch-a", news.StatusScheduled)
	b := draftOf("s2", "sch-b", news.StatusScheduled)
	c := draftOf("s3", "sch-c", news.StatusDraft)
	ida, idb := saveOne(t, s, a), saveOne(t, s, b)
	saveOne(t, s, c)
	next, err := s.NextScheduled(ctx)
	if err != nil || !next.Equal(a.PublishedAt) {
		t.Errorf("NextScheduled = %v, %v; want %v", next, err, a.PublishedAt)
	}
	due, err := s.DueScheduled(ctx, b.PublishedAt, 10)
	if err != nil || !slices.Equal(due, []int64{ida, idb}) {
		t.Errorf("DueScheduled(at b) = %v, %v; want [a b]", due, err)
	}
	if due, _ := s.DueScheduled(ctx, a.PublishedAt.Add(-time.Second), 10); len(due) != 0 {
		t.Errorf("DueScheduled(before a) = %v", due)
	}
}

func testSettings(t *testing.T, s news.Store) {
	ctx := context.Background()
	if err := s.SaveSettings(ctx, map[string]string{"site_name": "صحيفة الغد", "digits": "arabic"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, map[string]string{"digits": "", "feed_content": "summary"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Settings(ctx)
	if err != nil || len(got) != 2 || got["site_name"] != "صحيفة الغد" || got["feed_content"] != "summary" {
		t.Errorf("Settings = %v, %v", got, err)
	}
}
