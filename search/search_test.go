package search

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"sahafa/arabic"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
)

// fixture is a store filled through the publish service, as the site fills it.
type fixture struct {
	store  news.Store
	pub    *publish.Service
	engine *Engine
	ids    map[string]int64 // external id → article id
}

func newFixture(t *testing.T, open teststores.OpenFunc, drafts []news.Draft) *fixture {
	t.Helper()
	st := open(t)
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	f := &fixture{
		store:  st,
		pub:    publish.New(st, publish.Options{Now: func() time.Time { return now }}),
		engine: New(st),
		ids:    map[string]int64{},
	}
	f.save(t, drafts...)
	return f
}

func (f *fixture) save(t *testing.T, drafts ...news.Draft) {
	t.Helper()
	res, err := f.pub.Save(context.Background(), drafts)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) > 0 || len(res.IDs) != len(drafts) {
		t.Fatalf("save: %+v", res)
	}
	for i, d := range drafts {
		f.ids[d.ExternalID] = res.IDs[i]
	}
}

func (f *fixture) article(t *testing.T, ext string) news.Article {
	t.Helper()
	a, err := f.store.ArticleByExternalID(context.Background(), ext)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// exts maps article ids back to the fixture's external ids, in order.
func (f *fixture) exts(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "?"
		for ext, x := range f.ids {
			if x == id {
				out[i] = ext
			}
		}
	}
	return out
}

func hitExts(f *fixture, hits []Hit) []string {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return f.exts(ids)
}

func day(m time.Month, d int) time.Time { return time.Date(2024, m, d, 9, 0, 0, 0, time.UTC) }

const (
	sara   = "سارة العلي"
	khaled = "خالد منصور"
	layla  = "ليلى حداد"
)

// newsDrafts are short stories written for these tests, in several
// sections, by three authors, with the spellings readers and writers mix.
func newsDrafts() []news.Draft {
	d := func(ext, section, slug, author string, at time.Time, title, body string) news.Draft {
		return news.Draft{ExternalID: ext, SectionName: section, SectionSlug: slug, Authors: []string{author},
			PublishedAt: at, Title: title, Body: "<p>" + body + "</p>"}
	}
	return []news.Draft{
		d("p1", "سياسة", "politics", sara, day(3, 1), "الحكومة تعلن التهدئة على الحدود",
			"أعلنت الحكومة اتفاق التهدئة بعد مفاوضات طويلة، وقال الوزير إن وقف إطلاق النار يبدأ مساء الجمعة."),
		d("p2", "سياسة", "politics", khaled, day(3, 3), "مفاوضات التهدئه تتعثر من جديد",
			"تعثرت مفاوضات التهدئه بسبب خلاف حول الممرات. ولم يتحقق وقف القتال، واستمر إطلاق النار قرب المعبر."),
		d("p3", "سياسة", "politics", layla, day(2, 10), "وفد أمريكي يزور العاصمة",
			"وصل وفد من المسؤولين الأمريكيين إلى العاصمة لبحث ملف الطاقة والاستثمار."),
		d("e4", "اقتصاد", "economy", sara, day(3, 5), "أسعار النفط ترتفع",
			"ارتفعت اسعار النفط الخام في الأسواق العالمية مع تراجع المخزونات."),
		d("e5", "اقتصاد", "economy", khaled, day(1, 20), "الغاز الطبيعي يدعم الموازنة",
			"ساهمت عائدات الغاز الطبيعي في خفض عجز الموازنة العامة هذا العام."),
		d("e6", "اقتصاد", "economy", layla, day(3, 6), "البنك المركزي يثبت الفائدة",
			"قرر البنك المركزي تثبيت سعر الفائدة بعد قرار الفيدرالي الأمريكي الأخير."),
		d("s7", "رياضة", "sports", khaled, day(3, 2), "المنتخب يفوز في مباراة ودية",
			"سجل المهاجم هدفين في مباراة كرة القدم التي أقيمت على الملعب البلدي."),
		d("s8", "رياضة", "sports", sara, day(2, 25), "الدوري المحلي يستأنف السبت",
			"تعود منافسات كرة القدم بعد توقف دام شهرا بسبب الطقس."),
		d("t9", "تقنية", "tech", layla, day(3, 4), "شبكات 5G تصل إلى القرى",
			"بدأت شركة الاتصالات تشغيل أبراج 5G في القرى الجبلية لأول مرة."),
		d("t10", "تقنية", "tech", khaled, day(1, 15), "الذكاء الاصطناعي في المستشفيات",
			"تستخدم المستشفيات الحكومية برامج الذكاء الاصطناعي لقراءة صور الأشعة."),
		d("h11", "صحة", "health", sara, day(2, 28), "المستشفى الجديد يستقبل المرضى",
			"افتتح مستشفي الأطفال أبوابه أمام المرضى من المحافظات المجاورة."),
		d("h12", "صحة", "health", layla, day(3, 7), "حملة تطعيم في المدارس",
			"انطلقت حملة التطعيم ضد الحصبة في المدارس الابتدائية."),
		d("p13", "سياسة", "politics", sara, day(3, 8), "وبالأخبار العاجلة: البرلمان يناقش قانون الانتخابات",
			"ناقش البرلمان مشروع قانون الانتخابات في جلسة مطولة."),
		d("e14", "اقتصاد", "economy", khaled, day(2, 5), "أخبار الأسواق: صادرات التمور تنمو",
			"نمت صادرات التمور إلى أوروبا بنسبة كبيرة."),
		d("p15", "سياسة", "politics", sara, day(3, 9), "الرئيس يستقبل السفير الأمريكي",
			"استقبل الرئيس السفير الأمريكي وبحثا العلاقات الثنائية."),
	}
}

func TestSearch(t *testing.T) { teststores.Each(t, testSearch) }

func testSearch(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, newsDrafts())
	ctx := context.Background()
	search := func(t *testing.T, req Request) Results {
		t.Helper()
		res, err := f.engine.Search(ctx, req)
		if err != nil {
			t.Fatalf("Search(%+v): %v", req, err)
		}
		return res
	}
	// set compares result sets, order aside.
	set := func(t *testing.T, req Request, want ...string) Results {
		t.Helper()
		res := search(t, req)
		got := slices.Sorted(slices.Values(hitExts(f, res.Hits)))
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("Search(%+v) = %q, want %q", req, got, want)
		}
		if len(want) > 0 && res.Total != len(want) {
			t.Errorf("Search(%+v).Total = %d, want %d", req, res.Total, len(want))
		}
		return res
	}

	t.Run("variants", func(t *testing.T) {
		set(t, Request{Query: "اخبار"}, "p13", "e14")
		set(t, Request{Query: "الأخبار"}, "p13", "e14")
		set(t, Request{Query: "التهدئه"}, "p1", "p2")
		set(t, Request{Query: "التهدئة"}, "p1", "p2")
		set(t, Request{Query: "أمريكي"}, "p3", "e6", "p15")
		set(t, Request{Query: "مُسْتَشْفَى"}, "t10", "h11")
		set(t, Request{Query: "5G"}, "t9")
		set(t, Request{Query: "شبكات 5g"}, "t9")
	})
	t.Run("and", func(t *testing.T) {
		res := set(t, Request{Query: "مفاوضات التهدئة"}, "p1", "p2")
		if res.Partial {
			t.Error("Partial set although every word matched")
		}
		set(t, Request{Query: "التهدئة الوزير"}, "p1")
		set(t, Request{Query: "كرة القدم المنتخب"}, "s7")
	})
	t.Run("partial", func(t *testing.T) {
		res := set(t, Request{Query: "النفط التطعيم"}, "e4", "h12")
		if !res.Partial {
			t.Error("Partial not set for results holding only some words")
		}
		// A single word that matches nothing has no fallback.
		res = search(t, Request{Query: "البراكين"})
		if res.Partial || res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("no-match query: %+v", res)
		}
		// Nor does a query where no word matches anything.
		res = search(t, Request{Query: "البراكين الزلازل"})
		if res.Partial || res.Total != 0 || len(res.Hits) != 0 {
			t.Errorf("no-match query: %+v", res)
		}
	})
	t.Run("phrase", func(t *testing.T) {
		// p2 has all three words, but not in a row.
		set(t, Request{Query: "وقف إطلاق النار"}, "p1", "p2")
		set(t, Request{Query: `"وقف إطلاق النار"`}, "p1")
		set(t, Request{Query: `«وقف إطلاق النار»`}, "p1")
		set(t, Request{Query: `“كرة القدم” مباراة`}, "s7")
	})
	t.Run("exclude", func(t *testing.T) {
		set(t, Request{Query: "التهدئة -الوزير"}, "p2")
		set(t, Request{Query: "أمريكي -السفير -البنك"}, "p3")
		// Only excluded words: nothing to match.
		res := search(t, Request{Query: "-النفط"})
		if len(res.Hits) != 0 || res.Total != 0 || !res.Query.Empty() {
			t.Errorf("exclude-only query: %+v", res)
		}
	})
	t.Run("filters", func(t *testing.T) {
		set(t, Request{Query: "أمريكي", Section: "economy"}, "e6")
		set(t, Request{Query: "أمريكي", Section: "politics"}, "p3", "p15")
		set(t, Request{Query: "أمريكي", Author: arabic.Slug(layla)}, "p3", "e6")
		set(t, Request{Query: "أمريكي", From: day(3, 1), To: day(3, 9)}, "e6")
		set(t, Request{Query: "أمريكي", From: day(3, 6)}, "e6", "p15")
		set(t, Request{Query: "أمريكي", To: day(3, 6)}, "p3")
		set(t, Request{Query: "أمريكي", Section: "sports"})
	})
	t.Run("by date", func(t *testing.T) {
		res := search(t, Request{Query: "أمريكي", ByDate: true})
		if got, want := hitExts(f, res.Hits), []string{"p15", "e6", "p3"}; !slices.Equal(got, want) {
			t.Errorf("ByDate order = %q, want %q", got, want)
		}
	})
	t.Run("relevance order", func(t *testing.T) {
		// The title match counts more than a body match.
		res := search(t, Request{Query: "المستشفى"})
		if got := hitExts(f, res.Hits); len(got) != 2 || res.Hits[0].Score < res.Hits[1].Score {
			t.Errorf("hits = %q with scores %v, %v: want best first", got, res.Hits[0].Score, res.Hits[1].Score)
		}
	})
	t.Run("paging", func(t *testing.T) {
		all := search(t, Request{Query: "أمريكي", ByDate: true})
		var paged []string
		for off := 0; off < 3; off += 2 {
			res := search(t, Request{Query: "أمريكي", ByDate: true, Limit: 2, Offset: off})
			if res.Total != 3 {
				t.Errorf("Offset %d: Total = %d, want 3", off, res.Total)
			}
			if want := min(2, 3-off); len(res.Hits) != want {
				t.Errorf("Offset %d: %d hits, want %d", off, len(res.Hits), want)
			}
			paged = append(paged, hitExts(f, res.Hits)...)
		}
		if !slices.Equal(paged, hitExts(f, all.Hits)) {
			t.Errorf("pages %q differ from the whole list %q", paged, hitExts(f, all.Hits))
		}
		res := search(t, Request{Query: "أمريكي", Offset: 10})
		if res.Total != 3 || len(res.Hits) != 0 {
			t.Errorf("past the end: Total %d, %d hits; want 3, 0", res.Total, len(res.Hits))
		}
		res = search(t, Request{Query: "أمريكي", Offset: MaxOffset + 1})
		if res.Total != 3 || len(res.Hits) != 0 {
			t.Errorf("past the paging depth: Total %d, %d hits; want 3, 0", res.Total, len(res.Hits))
		}
		res = search(t, Request{Query: "أمريكي", Offset: -5, Limit: 1})
		if res.Total != 3 || len(res.Hits) != 1 {
			t.Errorf("negative offset: Total %d, %d hits; want 3, 1", res.Total, len(res.Hits))
		}
	})
	t.Run("nothing to match", func(t *testing.T) {
		for _, q := range []string{"", "   ", "في من إلى", "؟! ، .", `""`, "-"} {
			res, err := f.engine.Search(ctx, Request{Query: q})
			if err != nil || res.Total != 0 || len(res.Hits) != 0 || res.Partial {
				t.Errorf("Search(%q) = %+v, %v; want no results and no error", q, res, err)
			}
		}
	})
	t.Run("hit rendering", func(t *testing.T) {
		res := search(t, Request{Query: "اخبار"})
		for _, h := range res.Hits {
			switch f.exts([]int64{h.ID})[0] {
			case "p13":
				if !strings.HasPrefix(h.Title, "<mark>وبالأخبار</mark> العاجلة:") {
					t.Errorf("p13 title = %q", h.Title)
				}
			case "e14":
				if !strings.HasPrefix(h.Title, "<mark>أخبار</mark> الأسواق:") {
					t.Errorf("e14 title = %q", h.Title)
				}
			}
			if h.Snippet == "" || strings.Contains(h.Snippet, "<p>") {
				t.Errorf("snippet = %q: want the plain text excerpt", h.Snippet)
			}
		}
		res = search(t, Request{Query: "المرضى"})
		if len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Snippet, "<mark>المرضى</mark>") ||
			!strings.Contains(res.Hits[0].Title, "<mark>المرضى</mark>") {
			t.Errorf("hits = %+v", res.Hits)
		}
	})
}
