package storetest

import (
	"context"
	"testing"
	"time"

	"sahafa/news"
)

var wireTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"WireSources", testWireSources},
	{"WireItems", testWireItems},
}

func wireSource(name string) news.WireSource {
	return news.WireSource{Name: name, Kind: news.WireHTTP, Address: "https://wire.example/" + name, Format: "newsml",
		Interval: 2 * time.Minute, Priority: 5, Enabled: true, AuthKind: "bearer", Secret: []byte{1, 2, 3}}
}

// testWireSources: sources are saved and read back, due ones are claimed
// once (a second claim gets none until the lease ends), a poll's end is
// kept, and a changed address forgets the old validators.
func testWireSources(t *testing.T, s news.Store) {
	ctx := context.Background()
	a, err := s.SaveWireSource(ctx, wireSource("وكالة-أ"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SaveWireSource(ctx, wireSource("وكالة-ب"))
	if err != nil {
		t.Fatal(err)
	}
	off := wireSource("موقوف")
	off.Enabled = false
	if _, err := s.SaveWireSource(ctx, off); err != nil {
		t.Fatal(err)
	}
	got, err := s.WireSource(ctx, a.ID)
	if err != nil || got.Name != "وكالة-أ" || got.Interval != 2*time.Minute || string(got.Secret) != "\x01\x02\x03" || !got.Enabled {
		t.Fatalf("read back %+v, %v", got, err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	claimed, err := s.ClaimWireSources(ctx, now, time.Minute, 10)
	if err != nil || len(claimed) != 2 {
		t.Fatalf("first claim: %d sources, %v; want the two enabled ones", len(claimed), err)
	}
	if again, err := s.ClaimWireSources(ctx, now.Add(30*time.Second), time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("a claim inside the lease took %d sources, %v", len(again), err)
	}
	if err := s.FinishWirePoll(ctx, news.WirePoll{SourceID: a.ID, At: now, OK: true, ETag: `"v1"`, LastModified: "Fri, 04 Dec 2026 09:00:00 GMT", NextPoll: now.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishWirePoll(ctx, news.WirePoll{SourceID: b.ID, At: now, Error: "أجاب الموقع بالرمز 503", NextPoll: now.Add(4 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	a, _ = s.WireSource(ctx, a.ID)
	b, _ = s.WireSource(ctx, b.ID)
	if a.ETag != `"v1"` || a.LastOK.IsZero() || a.Failures != 0 || !a.NextPoll.Equal(now.Add(2*time.Minute)) {
		t.Errorf("after a good poll: %+v", a)
	}
	if b.Failures != 1 || b.LastError == "" || !b.LastOK.IsZero() {
		t.Errorf("after a failed poll: %+v", b)
	}
	if due, _ := s.ClaimWireSources(ctx, now.Add(3*time.Minute), time.Minute, 10); len(due) != 1 || due[0].ID != a.ID {
		t.Errorf("at +3 min only the first source is due: %v", due)
	}
	a.Address += "/v2"
	a, err = s.SaveWireSource(ctx, a)
	if err != nil || a.ETag != "" || a.LastModified != "" {
		t.Errorf("a new address keeps the old validators: %+v, %v", a, err)
	}
	if list, err := s.WireSources(ctx); err != nil || len(list) != 3 {
		t.Errorf("listed %d sources, %v", len(list), err)
	}
	if err := s.DeleteWireSource(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WireSource(ctx, b.ID); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("a deleted source: %v", err)
	}
}

func wireItem(src int64, guid string, version int, headline, hash string, urgency int, received time.Time) news.WireItem {
	return news.WireItem{SourceID: src, GUID: guid, Version: version, Headline: headline, Body: "<p>" + headline + "</p>",
		Urgency: urgency, Hash: hash, Terms: " " + headline + " ", ReceivedAt: received, Status: "usable",
		Subjects: []string{"سياسة", "اقتصاد"}, Embargo: received.Add(time.Hour)}
}

// testWireItems: items are stored once, a story's versions are numbered
// and only the newest is in the queue, filters and search terms select,
// a draft's link follows later versions, and old items are purged.
func testWireItems(t *testing.T, s news.Store) {
	ctx := context.Background()
	sec, err := s.SaveSection(ctx, news.Section{Slug: "wire-desk", Name: "الوارد"})
	if err != nil {
		t.Fatal(err)
	}
	srcA := wireSource("أ")
	srcA.SectionID = sec.ID
	a, err := s.SaveWireSource(ctx, srcA)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.SaveWireSource(ctx, wireSource("ب"))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().UTC().Truncate(time.Second).Add(-time.Hour)
	added, err := s.AddWireItems(ctx, []news.WireItem{
		wireItem(a.ID, "story-1", 1, "انفجار في الميناء", "h1", 1, t0),
		wireItem(a.ID, "story-2", 1, "اجتماع وزراء المالية", "h2", 5, t0.Add(time.Minute)),
		wireItem(b.ID, "story-1", 1, "انفجار في الميناء", "h1", 2, t0.Add(2*time.Minute)), // the same guid at another agency is another story
	})
	if err != nil || len(added) != 3 || added[0].ID == 0 || !added[0].Latest {
		t.Fatalf("added %+v, %v", added, err)
	}
	// Sent again unchanged: nothing new. The same version with new text,
	// and a version 3: versions 2 and 3.
	again, err := s.AddWireItems(ctx, []news.WireItem{
		wireItem(a.ID, "story-1", 1, "انفجار في الميناء", "h1", 1, t0.Add(3*time.Minute)),
		wireItem(a.ID, "story-1", 1, "انفجار في الميناء وسقوط جرحى", "h1b", 1, t0.Add(4*time.Minute)),
		wireItem(a.ID, "story-1", 3, "تحديث: انفجار في الميناء وسقوط جرحى", "h1c", 1, t0.Add(5*time.Minute)),
	})
	if err != nil || len(again) != 2 || again[0].Version != 2 || again[1].Version != 3 {
		t.Fatalf("versions: %+v, %v", again, err)
	}
	// A late older version is kept, but not as the latest.
	late, err := s.AddWireItems(ctx, []news.WireItem{wireItem(a.ID, "story-2", 0, "اجتماع وزراء المالية (نسخة أولى)", "h2old", 5, t0.Add(6*time.Minute))})
	if err != nil || len(late) != 1 || late[0].Latest {
		t.Fatalf("late version: %+v, %v", late, err)
	}

	queue, total, err := s.WireItems(ctx, news.WireFilter{Limit: 10})
	if err != nil || total != 3 || len(queue) != 3 {
		t.Fatalf("queue: %d of %d, %v", len(queue), total, err)
	}
	first := queue[0]
	if first.GUID != "story-1" || first.SourceID != a.ID || first.Version != 3 || first.Versions != 3 || first.SourceName != "أ" {
		t.Errorf("the queue's first item is the newest version of story-1: %+v", first)
	}
	if len(first.Subjects) != 2 || first.Subjects[1] != "اقتصاد" || !first.Embargo.Equal(t0.Add(5*time.Minute+time.Hour)) || first.Body == "" {
		t.Errorf("fields read back: %+v", first)
	}
	count := func(f news.WireFilter) int {
		t.Helper()
		f.Limit = 10
		_, n, err := s.WireItems(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(news.WireFilter{SourceID: b.ID}); n != 1 {
		t.Errorf("source filter: %d", n)
	}
	if n := count(news.WireFilter{Urgent: true}); n != 2 {
		t.Errorf("urgent filter: %d, want 2", n)
	}
	if n := count(news.WireFilter{SectionID: sec.ID}); n != 2 {
		t.Errorf("section filter: %d, want 2", n)
	}
	if n := count(news.WireFilter{Terms: []string{"جرحى"}}); n != 1 {
		t.Errorf("search 'جرحى': %d, want 1", n)
	}
	if n := count(news.WireFilter{Terms: []string{"الميناء", "جرحى"}}); n != 1 {
		t.Errorf("search two terms: %d, want 1", n)
	}
	if n := count(news.WireFilter{Terms: []string{"ميناء"}}); n != 0 {
		t.Errorf("a term matches whole terms only: %d", n)
	}
	page, _, _ := s.WireItems(ctx, news.WireFilter{Offset: 1, Limit: 1})
	if len(page) != 1 || page[0].ID == first.ID {
		t.Errorf("offset: %+v", page)
	}

	versions, err := s.WireVersions(ctx, a.ID, "story-1")
	if err != nil || len(versions) != 3 || versions[0].Version != 3 || versions[2].Version != 1 {
		t.Fatalf("versions: %+v, %v", versions, err)
	}
	id := saveOne(t, s, draftOf("p1", "wire-draft", news.StatusDraft))
	if err := s.LinkWireDraft(ctx, versions[0].ID, id); err != nil {
		t.Fatal(err)
	}
	if it, _ := s.WireItem(ctx, versions[0].ID); !it.Drafted || it.ArticleID != id {
		t.Errorf("the drafted version: %+v", it)
	}
	if it, _ := s.WireItem(ctx, versions[1].ID); it.Drafted || it.ArticleID != id {
		t.Errorf("another version of the drafted story: %+v", it)
	}
	next, err := s.AddWireItems(ctx, []news.WireItem{wireItem(a.ID, "story-1", 4, "تصحيح: انفجار في الميناء", "h1d", 1, t0.Add(7*time.Minute))})
	if err != nil || len(next) != 1 || next[0].ArticleID != id {
		t.Fatalf("a version after the draft carries its link: %+v, %v", next, err)
	}
	of, err := s.WireItemsOfArticle(ctx, id)
	if err != nil || len(of) != 1 || of[0].Version != 4 || of[0].Drafted {
		t.Errorf("the draft's wire items: %+v, %v", of, err)
	}
	if err := s.LinkWireDraft(ctx, 1<<40, id); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("linking a missing item: %v", err)
	}

	n, err := s.PurgeWireItems(ctx, t0.Add(90*time.Second))
	if err != nil || n != 2 {
		t.Errorf("purged %d, %v; want the two oldest", n, err)
	}
	if _, total, _ := s.WireItems(ctx, news.WireFilter{Limit: 10}); total != 2 {
		t.Errorf("after the purge %d stories, want 2", total)
	}
	if err := s.DeleteWireSource(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.WireItems(ctx, news.WireFilter{Limit: 10}); total != 1 {
		t.Errorf("a deleted source's items stay: %d", total)
	}
}
