package search

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
)

// relatedDrafts: a story about floods (a1) and its neighbours. Pairs with
// the same text isolate one factor of the re-ranking each:
//   - b-same / b-other: same text and date, one in a1's section, one not;
//     b-other is saved later, so the store's tie order puts it first.
//   - c-near / c-far: same text and section, c-near a day from a1, c-far
//     90 days later, so the store's tie order (newest first) puts it first.
func relatedDrafts() []news.Draft {
	base := time.Date(2024, 4, 10, 8, 0, 0, 0, time.UTC)
	d := func(ext, section, slug string, at time.Time, title, body string) news.Draft {
		return news.Draft{ExternalID: ext, SectionName: section, SectionSlug: slug, Authors: []string{"هدى سليمان"},
			PublishedAt: at, Title: title, Body: "<p>" + body + "</p>"}
	}
	const (
		bText = "ارتفع منسوب الوادي مجددا بعد الأمطار الغزيرة، وحذرت السلطات من فيضانات جديدة قد تغمر الطرق الزراعية."
		cText = "بدأت الورش ترميم السد الترابي في الوادي بعد انهياره خلال الفيضانات، وقال المهندسون إن الأمطار الغزيرة أضعفت جداره وإن القرى ستكون في أمان."
	)
	return []news.Draft{
		d("a1", "محليات", "local", base, "فيضانات تغمر قرى الوادي بعد انهيار سد ترابي",
			"غمرت الفيضانات عشرات البيوت في قرى الوادي بعد انهيار السد الترابي إثر الأمطار الغزيرة. "+
				"وواصلت فرق الإنقاذ إجلاء السكان إلى المدارس، فيما حذرت الأرصاد من أمطار جديدة."),
		d("r1", "محليات", "local", base.Add(-48*time.Hour), "فرق الإنقاذ تواصل إجلاء سكان القرى من الفيضانات",
			"تواصل فرق الإنقاذ إجلاء سكان قرى الوادي المتضررة من الفيضانات، ونقلت الأسر إلى المدارس."),
		d("b-same", "محليات", "local", base.Add(-24*time.Hour), "تحذير من فيضانات جديدة في الوادي", bText),
		d("b-other", "اقتصاد", "economy", base.Add(-24*time.Hour), "تحذير من فيضانات جديدة في الوادي", bText),
		d("c-near", "بيئة", "environment", base.Add(24*time.Hour), "ترميم السد الترابي بعد الفيضانات", cText),
		d("c-far", "بيئة", "environment", base.Add(90*24*time.Hour), "ترميم السد الترابي بعد الفيضانات", cText),
		// The same wire story under the same headline: not worth suggesting.
		d("dup", "منوعات", "misc", base.Add(time.Hour), "فيضانات تغمر قرى الوادي بعد انهيار سد ترابي",
			"انهار سد ترابي فغمرت المياه القرى، وأجلت فرق الإنقاذ السكان."),
		// Unrelated stories.
		d("u1", "رياضة", "sports", base, "المنتخب يتأهل إلى نهائي البطولة",
			"فاز المنتخب بثلاثة أهداف نظيفة وتأهل إلى المباراة النهائية."),
		d("u2", "تقنية", "tech", base, "هاتف جديد ببطارية تدوم أسبوعا",
			"كشفت الشركة عن هاتف ذكي ببطارية كبيرة وشاشة قابلة للطي."),
		d("u3", "ثقافة", "culture", base, "مهرجان الشعر يكرم شعراء الشباب",
			"كرم المهرجان سبعة شعراء شباب وأصدر ديوانا يجمع قصائدهم."),
		d("u4", "محليات", "local", base.Add(-time.Hour), "افتتاح حديقة عامة في حي الزهور",
			"افتتحت البلدية حديقة عامة فيها ملاعب للأطفال ومسار للمشي."),
	}
}

func indexOf(list []string, s string) int { return slices.Index(list, s) }

func TestRelated(t *testing.T) { teststores.Each(t, testRelated) }

func testRelated(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, relatedDrafts())
	ctx := context.Background()
	a1 := f.article(t, "a1")

	ids, err := f.engine.ComputeRelated(ctx, a1)
	if err != nil {
		t.Fatal(err)
	}
	got := f.exts(ids)
	t.Logf("related of a1: %q", got)
	if len(got) == 0 || len(got) > RelatedCount {
		t.Fatalf("ComputeRelated returned %d articles, want 1..%d", len(got), RelatedCount)
	}
	if slices.Contains(got, "a1") || slices.Contains(got, "dup") {
		t.Errorf("related holds the article itself or its same-headline copy: %q", got)
	}
	topic := []string{"r1", "b-same", "b-other", "c-near", "c-far"}
	for _, want := range topic {
		if indexOf(got, want) < 0 {
			t.Errorf("%s missing from related %q", want, got)
		}
	}
	for _, u := range []string{"u1", "u2", "u3", "u4"} {
		if i := indexOf(got, u); i >= 0 {
			for _, want := range topic {
				if j := indexOf(got, want); j > i {
					t.Errorf("unrelated %s (at %d) ahead of %s (at %d): %q", u, i, want, j, got)
				}
			}
		}
	}
	if i, j := indexOf(got, "b-same"), indexOf(got, "b-other"); i < 0 || j < 0 || i > j {
		t.Errorf("section boost: b-same at %d should precede b-other at %d: %q", i, j, got)
	}
	if i, j := indexOf(got, "c-near"), indexOf(got, "c-far"); i < 0 || j < 0 || i > j {
		t.Errorf("recency: c-near at %d should precede c-far at %d: %q", i, j, got)
	}

	// The store's own ranking of the twins is the opposite, so the order
	// above is the re-ranking's doing and not the store's tie-breaking.
	twins, err := f.store.Search(ctx, news.SearchQuery{Should: []string{"سد", "ترابي", "وادي"}, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, h := range twins.Hits {
		order = append(order, f.exts([]int64{h.ID})[0])
	}
	if i, j := indexOf(order, "b-same"), indexOf(order, "b-other"); i < j {
		t.Errorf("test setup: the store ranks b-same (%d) before b-other (%d) by itself: %q", i, j, order)
	}
	if i, j := indexOf(order, "c-near"), indexOf(order, "c-far"); i < j {
		t.Errorf("test setup: the store ranks c-near (%d) before c-far (%d) by itself: %q", i, j, order)
	}
}

func TestRelatedIsStoredAndRecomputedAfterEdit(t *testing.T) {
	teststores.Each(t, testRelatedIsStoredAndRecomputedAfterEdit)
}

func testRelatedIsStoredAndRecomputedAfterEdit(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, relatedDrafts())
	ctx := context.Background()
	a1 := f.article(t, "a1")

	if _, stored, err := f.store.Related(ctx, a1.ID, RelatedCount); err != nil || stored {
		t.Fatalf("before the first view: stored = %v, %v; want no stored list", stored, err)
	}
	// The first view does not wait for the more-like-this query: it gets
	// the section's neighbours, and the article is queued.
	near, _, err := f.store.Related(ctx, a1.ID, RelatedCount)
	if err != nil {
		t.Fatal(err)
	}
	first, err := f.engine.Related(ctx, a1, RelatedCount)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(articleIDs(first), articleIDs(near)) || f.engine.Queued() != 1 {
		t.Fatalf("first view: %q with %d queued; want the neighbours %q and a1 queued",
			f.exts(articleIDs(first)), f.engine.Queued(), f.exts(articleIDs(near)))
	}
	f.engine.Related(ctx, a1, RelatedCount) // a second view queues it once
	if n, err := f.engine.RefreshQueued(ctx); err != nil || n != 1 {
		t.Fatalf("RefreshQueued = %d, %v; want 1", n, err)
	}
	if first, err = f.engine.Related(ctx, a1, RelatedCount); err != nil {
		t.Fatal(err)
	}
	firstIDs := articleIDs(first)
	want, err := f.engine.ComputeRelated(ctx, a1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(firstIDs, want) {
		t.Errorf("Related = %q, want the computed list %q", f.exts(firstIDs), f.exts(want))
	}
	list, stored, err := f.store.Related(ctx, a1.ID, RelatedCount)
	if err != nil || !stored || !slices.Equal(articleIDs(list), firstIDs) {
		t.Fatalf("after the first view: stored = %v (%v), list %q; want the stored list %q",
			stored, err, f.exts(articleIDs(list)), f.exts(firstIDs))
	}

	// A later view reads the stored list: replace it behind the engine's
	// back and the engine must return the replacement, not recompute.
	planted := []int64{f.ids["u3"], f.ids["u1"]}
	if err := f.store.SetRelated(ctx, a1.ID, planted); err != nil {
		t.Fatal(err)
	}
	second, err := f.engine.Related(ctx, a1, RelatedCount)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(articleIDs(second), planted) {
		t.Errorf("second view = %q, want the stored list %q", f.exts(articleIDs(second)), f.exts(planted))
	}

	// Re-saving a1 through publish (now a football story) clears the
	// stored list, and the next view computes a new one from the new text.
	edited := relatedDrafts()[0]
	edited.Title = "المنتخب يحتفل بالتأهل إلى نهائي البطولة"
	edited.Body = "<p>احتفل لاعبو المنتخب بالتأهل إلى المباراة النهائية للبطولة بعد فوز بثلاثة أهداف.</p>"
	f.save(t, edited)
	if _, stored, err := f.store.Related(ctx, a1.ID, RelatedCount); err != nil || stored {
		t.Fatalf("after the edit: stored = %v, %v; want the list cleared", stored, err)
	}
	a1 = f.article(t, "a1")
	if _, err := f.engine.Related(ctx, a1, RelatedCount); err != nil {
		t.Fatal(err)
	}
	if n, err := f.engine.RefreshQueued(ctx); err != nil || n != 1 {
		t.Fatalf("RefreshQueued after the edit = %d, %v; want 1", n, err)
	}
	third, err := f.engine.Related(ctx, a1, RelatedCount)
	if err != nil {
		t.Fatal(err)
	}
	got := f.exts(articleIDs(third))
	if len(got) == 0 || got[0] != "u1" {
		t.Errorf("after the edit, related = %q; want the football story u1 first", got)
	}
	list, stored, err = f.store.Related(ctx, a1.ID, RelatedCount)
	if err != nil || !stored || !slices.Equal(articleIDs(list), articleIDs(third)) {
		t.Errorf("after the edit: stored = %v (%v), list %q; want %q stored", stored, err,
			f.exts(articleIDs(list)), got)
	}
}

func TestRelatedNothingSimilar(t *testing.T) { teststores.Each(t, testRelatedNothingSimilar) }

func testRelatedNothingSimilar(t *testing.T, open teststores.OpenFunc) {
	ctx := context.Background()

	// u4 shares no word with any other story but has section neighbours:
	// they are what it suggests, and they are stored so that the article
	// is not queried again.
	f := newFixture(t, open, relatedDrafts())
	u4 := f.article(t, "u4")
	if ids, err := f.engine.ComputeRelated(ctx, u4); err != nil || len(ids) != 0 {
		t.Fatalf("test setup: ComputeRelated(u4) = %q, %v; want nothing alike", f.exts(ids), err)
	}
	near, stored, err := f.store.Related(ctx, u4.ID, RelatedCount)
	if err != nil || stored || len(near) == 0 {
		t.Fatalf("test setup: u4's section neighbours = %d, stored %v, %v", len(near), stored, err)
	}
	list, err := f.engine.Related(ctx, u4, RelatedCount)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(articleIDs(list), articleIDs(near)) {
		t.Errorf("Related(u4) = %q, want its section neighbours %q", f.exts(articleIDs(list)), f.exts(articleIDs(near)))
	}
	if _, err := f.engine.RefreshQueued(ctx); err != nil {
		t.Fatal(err)
	}
	if got, stored, err := f.store.Related(ctx, u4.ID, RelatedCount); err != nil || !stored ||
		!slices.Equal(articleIDs(got), articleIDs(near)) {
		t.Errorf("after Related(u4): stored = %v (%v), list %q; want the neighbours stored", stored, err, f.exts(articleIDs(got)))
	}

	// Alone in its section and like nothing else: no list, nothing stored.
	f = newFixture(t, open, relatedDrafts()[7:]) // the unrelated stories only
	u4 = f.article(t, "u4")
	list, err = f.engine.Related(ctx, u4, RelatedCount)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("Related = %q, want none", f.exts(articleIDs(list)))
	}
	if n, err := f.engine.RefreshQueued(ctx); err != nil || n != 0 {
		t.Errorf("RefreshQueued = %d, %v; want 0", n, err)
	}
	if _, stored, err := f.store.Related(ctx, u4.ID, RelatedCount); err != nil || stored {
		t.Errorf("stored = %v, %v; want nothing stored", stored, err)
	}
}

func TestWarmRelated(t *testing.T) { teststores.Each(t, testWarmRelated) }

func testWarmRelated(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, relatedDrafts())
	ctx := context.Background()
	all, err := f.store.MissingRelated(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != len(relatedDrafts()) {
		t.Fatalf("MissingRelated = %d ids, want all %d", len(all), len(relatedDrafts()))
	}
	// Before warming: what each article would get.
	want := map[int64][]int64{}
	for _, id := range all {
		a, err := f.store.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ids, err := f.engine.ComputeRelated(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 { // like nothing else: its section's neighbours
			near, _, err := f.store.Related(ctx, id, RelatedCount)
			if err != nil {
				t.Fatal(err)
			}
			ids = articleIDs(near)
		}
		want[id] = ids
	}

	// The first batch is the newest articles.
	n, err := f.engine.WarmRelated(ctx, 2)
	if err != nil || n != 2 {
		t.Fatalf("WarmRelated(2) = %d, %v; want 2", n, err)
	}
	for i, id := range all {
		_, stored, err := f.store.Related(ctx, id, RelatedCount)
		if err != nil {
			t.Fatal(err)
		}
		if stored != (i < 2) {
			t.Errorf("%s (newest #%d): stored = %v", f.exts([]int64{id})[0], i, stored)
		}
	}

	n, err = f.engine.WarmRelated(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	// u1 and u3 are alone in their sections and share no word with any
	// other story: they have nothing to store.
	if n != len(all)-4 {
		t.Errorf("WarmRelated(100) = %d, want %d", n, len(all)-4)
	}
	missing, err := f.store.MissingRelated(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.exts(missing); !slices.Equal(got, []string{"u3", "u1"}) {
		t.Errorf("still missing after warming: %q, want [u3 u1]", got)
	}
	for _, id := range all {
		list, stored, err := f.store.Related(ctx, id, RelatedCount)
		if err != nil {
			t.Fatal(err)
		}
		if stored != (len(want[id]) > 0) || !slices.Equal(articleIDs(list), want[id]) {
			t.Errorf("%s: stored %v, list %q; want %q", f.exts([]int64{id})[0], stored,
				f.exts(articleIDs(list)), f.exts(want[id]))
		}
	}
	if n, err := f.engine.WarmRelated(ctx, 100); err != nil || n != 0 {
		t.Errorf("WarmRelated again = %d, %v; want 0", n, err)
	}

	// A cancelled context stops it before any work.
	f.save(t, news.Draft{ExternalID: "late", SectionName: "محليات", SectionSlug: "local",
		PublishedAt: time.Date(2024, 4, 12, 8, 0, 0, 0, time.UTC), Title: "الأمطار تعود إلى الوادي",
		Body: "<p>عادت الأمطار إلى قرى الوادي وسط مخاوف من فيضانات جديدة.</p>"})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if n, err := f.engine.WarmRelated(cctx, 100); err == nil || n != 0 {
		t.Errorf("WarmRelated(cancelled) = %d, %v; want 0 and an error", n, err)
	}
	if n, err := f.engine.WarmRelated(ctx, 100); err != nil || n != 1 {
		t.Errorf("WarmRelated after a new article = %d, %v; want 1", n, err)
	}

	// A refresher remembers the articles with nothing to suggest and does
	// not read them again on its next rounds.
	cs := &countingStore{Store: f.store, reads: map[int64]int{}}
	fresh := New(cs)
	for range 3 {
		if _, err := fresh.WarmRelated(ctx, 100); err != nil {
			t.Fatal(err)
		}
	}
	for _, ext := range []string{"u1", "u3"} {
		if n := cs.reads[f.ids[ext]]; n != 1 {
			t.Errorf("%s read %d times by three rounds, want once", ext, n)
		}
	}
}

// countingStore counts the articles read by id.
type countingStore struct {
	news.Store
	reads map[int64]int
}

func (c *countingStore) Article(ctx context.Context, id int64) (news.Article, error) {
	c.reads[id]++
	return c.Store.Article(ctx, id)
}

func articleIDs(list []news.Article) []int64 {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	return ids
}

func TestRunRelated(t *testing.T) { teststores.Each(t, testRunRelated) }

// testRunRelated runs the refresher as the server does: a viewed article's
// list is stored first and its page is reported changed; the sweep then
// fills the rest of the archive even while readers keep the server busy.
func testRunRelated(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, relatedDrafts())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a1 := f.article(t, "a1")
	if _, err := f.engine.Related(ctx, a1, RelatedCount); err != nil {
		t.Fatal(err)
	}
	stored := make(chan int64, 64)
	var busyCalls atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.engine.RunRelated(ctx, RefresherOptions{Sweep: true, SweepDefer: 100 * time.Millisecond,
			Busy:   func() bool { busyCalls.Add(1); return true },
			Stored: func(id int64) { stored <- id }})
	}()
	select {
	case id := <-stored:
		if id != a1.ID {
			t.Errorf("first list stored: %s, want the viewed a1", f.exts([]int64{id}))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the viewed article's list was not stored in 10 s")
	}
	deadline := time.After(30 * time.Second)
	for {
		missing, err := f.store.MissingRelated(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.exts(missing); slices.Equal(got, []string{"u3", "u1"}) {
			break // the two with nothing to suggest stay missing
		}
		select {
		case <-deadline:
			t.Fatalf("the sweep did not finish in 30 s; missing %q", f.exts(missing))
		case <-time.After(50 * time.Millisecond):
		}
	}
	if busyCalls.Load() == 0 {
		t.Error("the sweep never asked whether readers were being served")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunRelated did not return after its context ended")
	}
}
