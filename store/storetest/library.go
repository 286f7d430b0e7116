package storetest

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sahafa/news"
)

var libraryTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"AuthorsByNormalizedName", testAuthorsByNormalizedName},
	{"AuthorDirectory", testAuthorDirectory},
	{"MergeAuthors", testMergeAuthors},
	{"SEOFields", testSEOFields},
	{"Trash", testTrash},
	{"MediaPipeline", testMediaPipeline},
	{"Pages", testPages},
	{"PathRedirects", testPathRedirects},
	{"LiveCoverage", testLiveCoverage},
}

// byline is a record of fixture key crediting the given authors.
func byline(key string, authors ...news.Author) news.ArticleRecord {
	rec := fixtureByKey(key).record()
	rec.Authors = authors
	return rec
}

func bylineIDs(t *testing.T, s news.Store, id int64) []int64 {
	t.Helper()
	a, err := s.EditorialArticle(context.Background(), id)
	if err != nil {
		t.Fatalf("EditorialArticle(%d): %v", id, err)
	}
	var out []int64
	for _, au := range a.Authors {
		out = append(out, au.ID)
	}
	return out
}

// testAuthorsByNormalizedName: bylines that differ only in hamza, taa
// marbuta, tashkeel or tatweel credit one author, across saves, within a
// batch and within one article; the directory keeps the first spelling.
func testAuthorsByNormalizedName(t *testing.T, s news.Store) {
	ctx := context.Background()
	first := saveOne(t, s, byline("p1", news.Author{Slug: "أحمد-منصور", Name: "أحمد منصور"}))
	res, err := s.SaveArticles(ctx, []news.ArticleRecord{
		byline("p2", news.Author{Slug: "احمد-منصور", Name: "احمد منصور"}),
		byline("p3", news.Author{Slug: "أَحْمَد-مَنْصُور", Name: "أَحْمَد مَنْصُور"}),
		byline("e1", news.Author{Slug: "فاطمة-علي", Name: "فاطمة علي"}, news.Author{Slug: "فاطمه-علي", Name: "فاطمـه علي"}),
		byline("e2", news.Author{Slug: "فاطمه-علي", Name: "فاطمه علي"}),
	})
	if err != nil {
		t.Fatalf("SaveArticles: %v", err)
	}
	ahmad := bylineIDs(t, s, first)
	if len(ahmad) != 1 {
		t.Fatalf("first article's bylines %v", ahmad)
	}
	for _, id := range res.IDs[:2] {
		if got := bylineIDs(t, s, id); !slices.Equal(got, ahmad) {
			t.Errorf("article %d credits %v, want the author of أحمد منصور %v", id, got, ahmad)
		}
	}
	fatima := bylineIDs(t, s, res.IDs[2])
	if len(fatima) != 1 {
		t.Errorf("فاطمة علي and فاطمـه علي on one article are %d bylines, want one person", len(fatima))
	}
	if got := bylineIDs(t, s, res.IDs[3]); !slices.Equal(got, fatima) {
		t.Errorf("فاطمه علي credits %v, want %v", got, fatima)
	}
	au, err := s.Author(ctx, ahmad[0])
	if err != nil || au.Name != "أحمد منصور" || au.Slug != "أحمد-منصور" {
		t.Errorf("Author = %+v, %v; want the first spelling kept", au, err)
	}
	list, total, err := s.Authors(ctx, news.AuthorFilter{Query: "منصور"})
	if err != nil || total != 1 || len(list) != 1 || list[0].Articles != 3 {
		t.Errorf("Authors(منصور) = %+v (%d), %v; want one author of 3 articles", list, total, err)
	}
}

// testAuthorDirectory: search by normalized name, a profile kept, a new
// slug with the old one still leading to the author, a taken slug refused.
func testAuthorDirectory(t *testing.T, s news.Store) {
	ctx := context.Background()
	seed(t, s)
	// layla is "ليلى حداد" in the fixtures: found with ya for alef maqsura.
	list, total, err := s.Authors(ctx, news.AuthorFilter{Query: "ليلي"})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("Authors(ليلي) = %+v (%d), %v", list, total, err)
	}
	all, total, err := s.Authors(ctx, news.AuthorFilter{Limit: 2})
	if err != nil || total != 3 || len(all) != 2 {
		t.Fatalf("Authors(limit 2) = %d of %d, %v; want 2 of 3", len(all), total, err)
	}
	au := list[0].Author
	oldSlug := au.Slug
	au.Name = "ليلى حداد العلي"
	au.Slug = "layla-hassan"
	au.Profile = news.AuthorProfile{Bio: "محررة الشؤون السياسية منذ 2015، تغطي البرلمان.", PhotoID: 7,
		Links: []string{"https://example.org/layla", "https://x.com/layla"}}
	saved, err := s.SaveAuthor(ctx, au)
	if err != nil {
		t.Fatalf("SaveAuthor: %v", err)
	}
	got, err := s.AuthorBySlug(ctx, oldSlug)
	if err != nil || got.ID != au.ID || got.Slug != "layla-hassan" {
		t.Errorf("AuthorBySlug(old slug) = %+v, %v; want the author under the new slug", got, err)
	}
	got, err = s.AuthorBySlug(ctx, "layla-hassan")
	if err != nil || got.Name != saved.Name || got.Profile.Bio != au.Profile.Bio || got.Profile.PhotoID != 7 ||
		!slices.Equal(got.Profile.Links, au.Profile.Links) {
		t.Errorf("AuthorBySlug(new) = %+v, %v", got, err)
	}
	// A byline with the old name still credits her.
	id := saveOne(t, s, byline("s4", news.Author{Slug: "ليلى-حداد", Name: "ليلى حداد"}))
	if ids := bylineIDs(t, s, id); !slices.Equal(ids, []int64{au.ID}) {
		t.Errorf("a byline with the earlier name credits %v, want %d", ids, au.ID)
	}
	other := all[0].Author
	if other.ID == au.ID {
		other = all[1].Author
	}
	other.Slug = oldSlug
	_, err = s.SaveAuthor(ctx, other)
	wantCode(t, "SaveAuthor(another's old slug)", err, news.ECONFLICT)
	other.Slug = "layla-hassan"
	_, err = s.SaveAuthor(ctx, other)
	wantCode(t, "SaveAuthor(a taken slug)", err, news.ECONFLICT)
	_, err = s.SaveAuthor(ctx, news.Author{ID: 999999, Name: "أحد", Slug: "ahad"})
	wantCode(t, "SaveAuthor(unknown id)", err, news.ENOTFOUND)
	_, err = s.SaveAuthor(ctx, news.Author{ID: au.ID, Name: " ", Slug: "x"})
	wantCode(t, "SaveAuthor(no name)", err, news.EINVALID)
}

// testMergeAuthors: an imported byline with a dateline merged into the
// person; their articles, page and future bylines follow; an article
// that credited both keeps one byline.
func testMergeAuthors(t *testing.T, s news.Store) {
	ctx := context.Background()
	yasser := news.Author{Slug: "ياسر-رشاد", Name: "ياسر رشاد"}
	dated := news.Author{Slug: "ياسر-رشاد-القاهرة", Name: "ياسر رشاد - القاهرة"}
	a1 := saveOne(t, s, byline("p1", yasser))
	a2 := saveOne(t, s, byline("p2", dated))
	a3 := saveOne(t, s, byline("p3", dated, yasser))
	into, from := bylineIDs(t, s, a1)[0], bylineIDs(t, s, a2)[0]
	if into == from {
		t.Fatal("the two bylines are one author before the merge")
	}
	fromAuthor, _ := s.Author(ctx, from)
	fromAuthor.Profile = news.AuthorProfile{Bio: "مراسل في القاهرة."}
	if _, err := s.SaveAuthor(ctx, fromAuthor); err != nil {
		t.Fatalf("SaveAuthor: %v", err)
	}
	wantCode(t, "MergeAuthors(self)", s.MergeAuthors(ctx, into, into), news.EINVALID)
	wantCode(t, "MergeAuthors(unknown)", s.MergeAuthors(ctx, into, 999999), news.ENOTFOUND)
	if err := s.MergeAuthors(ctx, into, from); err != nil {
		t.Fatalf("MergeAuthors: %v", err)
	}
	for _, id := range []int64{a1, a2, a3} {
		if got := bylineIDs(t, s, id); !slices.Equal(got, []int64{into}) {
			t.Errorf("article %d credits %v after the merge, want [%d]", id, got, into)
		}
	}
	if _, err := s.Author(ctx, from); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the merged author is still there: %v", err)
	}
	got, err := s.AuthorBySlug(ctx, dated.Slug)
	if err != nil || got.ID != into || got.Slug != yasser.Slug {
		t.Errorf("AuthorBySlug(merged slug) = %+v, %v; want %s", got, err, yasser.Slug)
	}
	if got.Profile.Bio != "مراسل في القاهرة." {
		t.Errorf("the merged author's bio was lost: %+v", got.Profile)
	}
	a4 := saveOne(t, s, byline("s1", dated))
	if got := bylineIDs(t, s, a4); !slices.Equal(got, []int64{into}) {
		t.Errorf("a new byline with the merged name credits %v, want [%d]", got, into)
	}
	list, err := s.Articles(ctx, news.ArticleFilter{AuthorSlug: yasser.Slug})
	if err != nil || len(list.Articles) != 4 {
		t.Errorf("the author's articles after the merge: %d, %v; want 4", len(list.Articles), err)
	}
}

// testSEOFields: the SEO and share overrides are stored with the article
// and come back on every read.
func testSEOFields(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := fixtureByKey("e1").record()
	rec.SEO = news.SEO{Title: "رفع الفائدة: ماذا يعني لقرضك؟", Description: "شرح قرار البنك المركزي برفع سعر الفائدة.",
		SocialTitle: "البنك المركزي يرفع الفائدة", SocialDescription: "نصف نقطة مئوية", SocialImageID: 3,
		Canonical: "https://example.org/economy/rate"}
	id := saveOne(t, s, rec)
	for _, read := range []func() (news.Article, error){
		func() (news.Article, error) { return s.EditorialArticle(ctx, id) },
		func() (news.Article, error) { return s.Article(ctx, id) },
	} {
		a, err := read()
		if err != nil || a.SEO != rec.SEO {
			t.Errorf("SEO read back %+v, %v; want %+v", a.SEO, err, rec.SEO)
		}
	}
	rec.ID, rec.SEO = id, news.SEO{}
	saveOne(t, s, rec)
	if a, _ := s.EditorialArticle(ctx, id); !a.SEO.IsZero() {
		t.Errorf("cleared SEO fields read back %+v", a.SEO)
	}
}

// testTrash: a published article is taken down before the trash; in it,
// it leaves the newsroom's lists and search and its addresses are gone;
// restored, they are not; purged, it is deleted and they stay gone.
func testTrash(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	id := ids["s2"]
	rec := fixtureByKey("s2").record()
	rec.ID, rec.Slug = id, "الوحدة-مدرب-جديد" // the first path now redirects
	saveOne(t, s, rec)
	a, _ := s.EditorialArticle(ctx, id)
	oldPath := "/" + rec.Section.Slug + "/2026/03/05/" + fixtureByKey("s2").slug
	ev := news.Event{UserName: "سارة", Action: news.ActionTrash}
	now := time.Now().UTC().Truncate(time.Second)

	wantCode(t, "TrashArticle(published)", s.TrashArticle(ctx, id, now, ev), news.ECONFLICT)
	rec.Status = news.StatusUnpublished
	rec.ID = id
	saveOne(t, s, rec)
	if err := s.TrashArticle(ctx, id, now, ev); err != nil {
		t.Fatalf("TrashArticle: %v", err)
	}
	wantCode(t, "TrashArticle(twice)", s.TrashArticle(ctx, id, now, ev), news.ECONFLICT)
	for _, p := range []string{a.Path(), oldPath} {
		if gone, err := s.Gone(ctx, p); err != nil || !gone {
			t.Errorf("Gone(%s) = %v, %v after the trash", p, gone, err)
		}
	}
	list, err := s.EditorialArticles(ctx, news.EditorialFilter{})
	if err != nil || slices.Contains(keys(list.Articles), "s2") || list.Total != len(fixtures)-1 {
		t.Errorf("the newsroom list shows the trashed article: %v (%d), %v", keys(list.Articles), list.Total, err)
	}
	trash, err := s.EditorialArticles(ctx, news.EditorialFilter{Trash: true})
	if err != nil || !slices.Equal(keys(trash.Articles), []string{"s2"}) || trash.Articles[0].DeletedAt.IsZero() {
		t.Errorf("the trash lists %v, %v", keys(trash.Articles), err)
	}
	counts, err := s.StatusCounts(ctx, 0)
	if err != nil || counts[news.InTrash] != 1 || counts[news.StatusUnpublished] != 0 {
		t.Errorf("StatusCounts = %v, %v", counts, err)
	}
	res, err := s.Search(ctx, news.SearchQuery{Terms: []string{"مدرب"}, AllStatuses: true})
	if err != nil || slices.Contains(hitKeys(res.Hits), "s2") {
		t.Errorf("the newsroom's search finds the trashed article: %v, %v", hitKeys(res.Hits), err)
	}
	evs, _ := s.Events(ctx, id)
	if len(evs) == 0 || evs[0].Action != news.ActionTrash {
		t.Errorf("events %+v, want the trash first", evs)
	}

	// Out of the trash: listed again, its addresses no longer gone.
	if err := s.TrashArticle(ctx, id, time.Time{}, news.Event{Action: news.ActionUntrash}); err != nil {
		t.Fatalf("TrashArticle(restore): %v", err)
	}
	wantCode(t, "TrashArticle(restore, not in trash)", s.TrashArticle(ctx, id, time.Time{}, ev), news.ECONFLICT)
	if gone, _ := s.Gone(ctx, a.Path()); gone {
		t.Error("the restored article's path is still gone")
	}
	if got, _ := s.EditorialArticle(ctx, id); !got.DeletedAt.IsZero() {
		t.Error("the restored article is still marked deleted")
	}

	// A draft never published leaves no gone address.
	draft := saveOne(t, s, draftOf("p1", "trash-draft", news.StatusDraft))
	d, _ := s.EditorialArticle(ctx, draft)
	if err := s.TrashArticle(ctx, draft, now, ev); err != nil {
		t.Fatalf("TrashArticle(draft): %v", err)
	}
	if gone, _ := s.Gone(ctx, d.Path()); gone {
		t.Error("a never-published draft's path is gone")
	}
	if err := s.TrashArticle(ctx, id, now, ev); err != nil {
		t.Fatal(err)
	}

	// Purge: nothing trashed before an hour ago; then only the ids given.
	if n, err := s.PurgeArticles(ctx, nil, now.Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PurgeArticles(an hour ago) = %d, %v; want 0", n, err)
	}
	if n, err := s.PurgeArticles(ctx, []int64{draft, ids["p1"]}, now); err != nil || n != 1 {
		t.Errorf("PurgeArticles([draft, a live article]) = %d, %v; want 1", n, err)
	}
	if n, err := s.PurgeArticles(ctx, nil, now); err != nil || n != 1 {
		t.Errorf("PurgeArticles(all due) = %d, %v; want 1", n, err)
	}
	for _, gid := range []int64{id, draft} {
		if _, err := s.EditorialArticle(ctx, gid); news.ErrorCode(err) != news.ENOTFOUND {
			t.Errorf("article %d after the purge: %v", gid, err)
		}
	}
	if _, err := s.EditorialArticle(ctx, ids["p1"]); err != nil {
		t.Errorf("a live article was purged: %v", err)
	}
	if gone, _ := s.Gone(ctx, oldPath); !gone {
		t.Error("a purged article's address is no longer gone")
	}
}

// testMediaPipeline: an upload waits, pending, for the background; its
// processing is stored once (a second server's is refused); crops are
// replaced with a new version; an image in use is counted; the trash
// hides it from the library until it is restored or purged.
func testMediaPipeline(t *testing.T, s news.Store) {
	ctx := context.Background()
	up, err := s.SaveUpload(ctx, news.Media{Alt: "ميناء جدة الإسلامي", Credit: "واس", Format: "jpeg", Width: 3000, Height: 2000},
		[]byte("the upload as it came"))
	if err != nil || up.ID == 0 || up.State != news.MediaPending {
		t.Fatalf("SaveUpload = %+v, %v", up, err)
	}
	_, err = s.SaveUpload(ctx, news.Media{Alt: "صورة", Format: "jpeg", Width: 1, Height: 1}, nil)
	wantCode(t, "SaveUpload(empty)", err, news.EINVALID)
	bad, _ := s.SaveUpload(ctx, news.Media{Alt: "صورة تالفة", Format: "jpeg", Width: 10, Height: 10}, []byte("broken"))
	ids, err := s.PendingMedia(ctx, 10)
	if err != nil || !slices.Equal(ids, []int64{up.ID, bad.ID}) {
		t.Fatalf("PendingMedia = %v, %v", ids, err)
	}
	src, err := s.MediaSource(ctx, up.ID)
	if err != nil || string(src) != "the upload as it came" {
		t.Fatalf("MediaSource = %q, %v", src, err)
	}
	got, _ := s.Media(ctx, up.ID)
	if got.State != news.MediaPending || len(got.Variants) != 0 || got.Ready() {
		t.Errorf("a pending upload reads %+v", got)
	}
	files := []news.MediaFile{
		{MediaVariant: news.MediaVariant{Width: 320, Height: 213, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("v320")},
		{MediaVariant: news.MediaVariant{Width: 2400, Height: 1600, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("v2400")},
	}
	crops := []news.MediaCropFile{
		{Ratio: "1x1", MediaFile: news.MediaFile{MediaVariant: news.MediaVariant{Width: 640, Height: 640, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("sq640")}},
		{Ratio: "16x9", MediaFile: news.MediaFile{MediaVariant: news.MediaVariant{Width: 1600, Height: 900, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("w1600")}},
		{Ratio: "16x9", MediaFile: news.MediaFile{MediaVariant: news.MediaVariant{Width: 320, Height: 180, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("w320")}},
	}
	done := news.Media{ID: up.ID, State: news.MediaReady, Format: "jpeg", Width: 3000, Height: 2000}
	if err := s.FinishMedia(ctx, done, files, crops); err != nil {
		t.Fatalf("FinishMedia: %v", err)
	}
	wantCode(t, "FinishMedia(twice)", s.FinishMedia(ctx, done, files, crops), news.ECONFLICT)
	if err := s.FinishMedia(ctx, news.Media{ID: bad.ID, State: news.MediaFailed, Problem: "الصورة تالفة أو ناقصة"}, nil, nil); err != nil {
		t.Fatalf("FinishMedia(failed): %v", err)
	}
	if ids, _ := s.PendingMedia(ctx, 10); len(ids) != 0 {
		t.Errorf("still pending: %v", ids)
	}
	if _, err := s.MediaSource(ctx, up.ID); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the upload's bytes outlived its processing: %v", err)
	}
	got, _ = s.Media(ctx, up.ID)
	wide, ok := got.Crop("16x9")
	if !got.Ready() || len(got.Variants) != 2 || !ok || len(wide.Variants) != 2 || wide.Variants[0].Width != 320 ||
		got.Alt != "ميناء جدة الإسلامي" || got.Credit != "واس" {
		t.Errorf("the processed image reads %+v", got)
	}
	if f, err := s.MediaCropFile(ctx, up.ID, "16x9", 1600); err != nil || string(f.Data) != "w1600" || f.Height != 900 {
		t.Errorf("MediaCropFile = %+v, %v", f.MediaVariant, err)
	}
	if failed, _ := s.Media(ctx, bad.ID); failed.State != news.MediaFailed || failed.Problem == "" {
		t.Errorf("the failed upload reads %+v", failed)
	}

	// Several at once, for a list page.
	if got, err := s.MediaByIDs(ctx, []int64{up.ID, 999999, bad.ID}); err != nil || len(got) != 2 {
		t.Errorf("MediaByIDs = %d images, %v; want 2", len(got), err)
	}
	if got, err := s.MediaByIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("MediaByIDs(nil) = %v, %v", got, err)
	}

	// An image stored before crops existed is listed to be cropped.
	old, err := s.SaveMedia(ctx, news.Media{Alt: "صورة قديمة", Format: "jpeg", Width: 320, Height: 213}, files[:1])
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := s.UncroppedMedia(ctx, 10); err != nil || !slices.Equal(ids, []int64{old.ID}) {
		t.Errorf("UncroppedMedia = %v, %v; want [%d]", ids, err, old.ID)
	}
	if _, err := s.SaveCrops(ctx, old.ID, news.Framing{}, crops[:1]); err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.UncroppedMedia(ctx, 10); len(ids) != 0 {
		t.Errorf("UncroppedMedia after cropping = %v", ids)
	}

	// A new framing: new crops, version up.
	focus := news.Point{X: 0.8, Y: 0.3}
	f := news.Framing{Focus: &focus, Crops: map[string]news.Rect{"1x1": {X: 0.5, Y: 0, W: 0.5, H: 0.75}}}
	m, err := s.SaveCrops(ctx, up.ID, f, crops[:1])
	if err != nil || m.Framing.Version != 1 || m.Framing.FocusPoint() != focus || len(m.Crops) != 1 {
		t.Fatalf("SaveCrops = %+v, %v", m.Framing, err)
	}
	if _, err := s.MediaCropFile(ctx, up.ID, "16x9", 1600); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("an old crop outlived the new framing: %v", err)
	}
	if m, _ := s.SaveCrops(ctx, up.ID, f, crops); m.Framing.Version != 2 || !strings.Contains(m.CropURL("16x9", m.Crops[1].Variants[0]), "?v=2") {
		t.Errorf("the second framing: version %d", m.Framing.Version)
	}
	bad2 := news.Framing{Crops: map[string]news.Rect{"1x1": {X: 0.8, Y: 0, W: 0.5, H: 0.5}}}
	_, err = s.SaveCrops(ctx, up.ID, bad2, nil)
	wantCode(t, "SaveCrops(outside the image)", err, news.EINVALID)

	// In use: as a lead image, and in a body.
	rec := fixtureByKey("p1").record()
	rec.Image = &news.Image{MediaID: up.ID, URL: got.URL(got.Variants[0]), Alt: "ميناء"}
	saveOne(t, s, rec)
	rec2 := fixtureByKey("p2").record()
	rec2.Body = `<p>نص</p><figure><img src="/media/` + strconv.FormatInt(up.ID, 10) + `/320.jpg" alt="ميناء"></figure>`
	saveOne(t, s, rec2)
	rec3 := fixtureByKey("p3").record()
	rec3.Body = `<p>صورة أخرى</p><img src="/media/` + strconv.FormatInt(up.ID, 10) + `0/320.jpg" alt="غيرها">`
	saveOne(t, s, rec3)
	if n, err := s.MediaUse(ctx, up.ID); err != nil || n != 2 {
		t.Errorf("MediaUse = %d, %v; want 2 (not the article showing image %d0)", n, err, up.ID)
	}

	// The trash.
	now := time.Now().UTC().Truncate(time.Second)
	if err := s.TrashMedia(ctx, up.ID, now); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "TrashMedia(unknown)", s.TrashMedia(ctx, 999999, now), news.ENOTFOUND)
	lib, _ := s.MediaList(ctx, news.MediaFilter{Limit: 10})
	trash, _ := s.MediaList(ctx, news.MediaFilter{Trash: true, Limit: 10})
	if lib.Total != 2 || len(trash.Media) != 1 || trash.Media[0].ID != up.ID || !trash.Media[0].InTrash() {
		t.Errorf("library %d, trash %+v", lib.Total, trash.Media)
	}
	if n, err := s.PurgeMedia(ctx, []int64{up.ID}, now.Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("PurgeMedia(an hour ago) = %d, %v", n, err)
	}
	if n, err := s.PurgeMedia(ctx, []int64{up.ID, bad.ID}, now); err != nil || n != 1 {
		t.Errorf("PurgeMedia = %d, %v; want 1 (the other is not in the trash)", n, err)
	}
	if _, err := s.Media(ctx, up.ID); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the purged image: %v", err)
	}
	if _, err := s.MediaFile(ctx, up.ID, 320); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the purged image's file: %v", err)
	}
}

// testPages: static pages are created, listed by position, found by slug,
// replaced, refused a taken address, and deleted.
func testPages(t *testing.T, s news.Store) {
	ctx := context.Background()
	about, err := s.SavePage(ctx, news.Page{Slug: "about", Title: "من نحن", Body: "<p>صحيفة مستقلة.</p>", Footer: true, Position: 2})
	if err != nil || about.ID == 0 {
		t.Fatalf("SavePage = %+v, %v", about, err)
	}
	contact, err := s.SavePage(ctx, news.Page{Slug: "اتصل-بنا", Title: "اتصل بنا", Body: "<p>البريد.</p>", Footer: true, Position: 1})
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Pages(ctx)
	if err != nil || len(list) != 2 || list[0].ID != contact.ID || !list[1].Footer {
		t.Errorf("Pages = %+v, %v", list, err)
	}
	got, err := s.PageBySlug(ctx, "اتصل-بنا")
	if err != nil || got.Title != "اتصل بنا" || got.UpdatedAt.IsZero() {
		t.Errorf("PageBySlug = %+v, %v", got, err)
	}
	about.Body, about.Footer = "<p>صحيفة مستقلة منذ 2010.</p>", false
	if _, err := s.SavePage(ctx, about); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Page(ctx, about.ID); got.Body != about.Body || got.Footer {
		t.Errorf("the replaced page reads %+v", got)
	}
	contact.Slug = "about"
	_, err = s.SavePage(ctx, contact)
	wantCode(t, "SavePage(taken slug)", err, news.ECONFLICT)
	_, err = s.SavePage(ctx, news.Page{Slug: "x"})
	wantCode(t, "SavePage(no title)", err, news.EINVALID)
	if err := s.DeletePage(ctx, about.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.PageBySlug(ctx, "about")
	wantCode(t, "PageBySlug(deleted)", err, news.ENOTFOUND)
	wantCode(t, "DeletePage(twice)", s.DeletePage(ctx, about.ID), news.ENOTFOUND)
}

// testPathRedirects: old addresses of imported pages and archives are
// found in the form a request gives them (escaped, with or without the
// closing slash), replaced when saved again; a target off the site, or a
// redirect to itself, fails the whole batch and stores none of it.
func testPathRedirects(t *testing.T, s news.Store) {
	ctx := context.Background()
	err := s.SaveRedirects(ctx, []news.PathRedirect{
		{From: "/about-us/", To: "/about/"},
		{From: "/?page_id=2", To: "/about/"},
		{From: "/%d9%85%d9%86-%d9%86%d8%ad%d9%86/", To: "/about/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for from, want := range map[string]string{"/about-us": "/about/", "/about-us/": "/about/", "/?page_id=2": "/about/",
		"/%D9%85%D9%86-%D9%86%D8%AD%D9%86/": "/about/", "/من-نحن": "/about/"} {
		if got, err := s.RedirectTarget(ctx, from); err != nil || got != want {
			t.Errorf("RedirectTarget(%q) = %q, %v; want %q", from, got, err, want)
		}
	}
	_, err = s.RedirectTarget(ctx, "/nowhere/")
	wantCode(t, "RedirectTarget(unknown)", err, news.ENOTFOUND)
	if err := s.SaveRedirects(ctx, []news.PathRedirect{{From: "/about-us", To: "/who-we-are/"}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.RedirectTarget(ctx, "/about-us/"); got != "/who-we-are/" {
		t.Errorf("a redirect saved again goes to %q", got)
	}
	for _, bad := range []news.PathRedirect{{From: "/x/", To: "https://evil.example/"}, {From: "/x/", To: "//evil.example/"},
		{From: "/x/", To: "/x"}, {From: "", To: "/about/"}, {From: "/y/", To: "/a\nb"}} {
		err := s.SaveRedirects(ctx, []news.PathRedirect{{From: "/first/", To: "/about/"}, bad})
		wantCode(t, fmt.Sprintf("SaveRedirects(%+v)", bad), err, news.EINVALID)
	}
	_, err = s.RedirectTarget(ctx, "/first/")
	wantCode(t, "RedirectTarget(of a refused batch)", err, news.ENOTFOUND)
}

// testLiveCoverage: an article becomes live coverage; its updates come
// back newest first, limited, counted; ending it keeps them; updates of a
// page that is not live, or of another article, are refused; deleting the
// article deletes its coverage.
func testLiveCoverage(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := fixtureByKey("e1").record()
	rec.Status = news.StatusUnpublished // so that it may go in the trash at the end
	id := saveOne(t, s, rec)
	other := saveOne(t, s, fixtureByKey("p1").record())
	if _, err := s.LiveCoverage(ctx, id, 10); news.ErrorCode(err) != news.ENOTFOUND {
		t.Fatalf("LiveCoverage of an ordinary article: %v, want ENOTFOUND", err)
	}
	if _, err := s.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: id, At: time.Now(), Body: "<p>x</p>"}); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("an update of an article that is not live: %v, want ENOTFOUND", err)
	}
	if err := s.SetLive(ctx, 987654, time.Now(), time.Time{}); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("SetLive of a missing article: %v, want ENOTFOUND", err)
	}
	start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	if err := s.SetLive(ctx, id, start, time.Time{}); err != nil {
		t.Fatal(err)
	}
	texts := []string{"بدء جلسة مجلس الأمن الطارئة", "كلمة مندوب مصر أمام المجلس", "التصويت على مشروع القرار", "اعتماد القرار بأغلبية 13 صوتًا"}
	for i, text := range texts {
		u, err := s.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: id, At: start.Add(time.Duration(i) * 10 * time.Minute),
			Body: "<p>" + text + "</p>", BodySource: text, Author: "هدى المحررة", CreatedBy: 0})
		if err != nil || u.ID == 0 {
			t.Fatalf("AddLiveUpdate %d = %+v, %v", i, u, err)
		}
	}
	c, err := s.LiveCoverage(ctx, id, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Started.Equal(start) || !c.Running() || c.Total != 4 || len(c.Updates) != 3 {
		t.Fatalf("LiveCoverage = started %v running %v total %d, %d updates", c.Started, c.Running(), c.Total, len(c.Updates))
	}
	if c.Updates[0].BodySource != texts[3] || c.Updates[2].BodySource != texts[1] || c.Updates[0].Author != "هدى المحررة" ||
		!c.Updates[0].At.Equal(start.Add(30*time.Minute)) {
		t.Errorf("updates not newest first: %+v", c.Updates)
	}
	if err := s.DeleteLiveUpdate(ctx, other, c.Updates[0].ID); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("deleting an update through another article: %v, want ENOTFOUND", err)
	}
	if err := s.DeleteLiveUpdate(ctx, id, c.Updates[0].ID); err != nil {
		t.Fatal(err)
	}
	end := start.Add(2 * time.Hour)
	if err := s.SetLive(ctx, id, start, end); err != nil {
		t.Fatal(err)
	}
	c, err = s.LiveCoverage(ctx, id, 10)
	if err != nil || c.Running() || !c.Ended.Equal(end) || c.Total != 3 || c.Updates[0].BodySource != texts[2] {
		t.Errorf("after ending and a delete: %+v, %v", c, err)
	}
	live, err := s.LiveArticles(ctx, []int64{id, other})
	if err != nil || len(live) != 1 || live[id].Ended.IsZero() {
		t.Errorf("LiveArticles = %+v, %v", live, err)
	}
	// Deleted for good: its coverage goes with it.
	if err := s.TrashArticle(ctx, id, time.Now(), news.Event{UserName: "هدى", Action: news.ActionTrash}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeArticles(ctx, []int64{id}, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LiveCoverage(ctx, id, 10); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("coverage of a purged article: %v, want ENOTFOUND", err)
	}
}
