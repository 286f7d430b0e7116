package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

const (
	titleEnglish    = "Oil prices climb as producers extend output cuts"
	abstractEnglish = "Crude rose on Thursday after the cartel said it would keep supply tight for the rest of the year."
	bodyEnglish     = `<p>Oil prices rose sharply on Thursday after the producers' cartel said it would extend output cuts into the second half of the year, tightening supply in a market already worried about demand.</p>
<p>Brent crude, the international benchmark, climbed 3% to $84 a barrel, while UN-Water warned of the cost of drought in the region.</p>`
	titleFrench = "Le gouvernement annonce des mesures pour les agriculteurs"
	bodyFrench  = `<p>Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs, qui dénoncent depuis des semaines la hausse des coûts.</p>`

	titleUNWater = "وكالة UN-Water تحذر من موجة جفاف في المنطقة"
	bodyUNWater  = `<p>حذرت وكالة UN-Water من موجة جفاف غير مسبوقة، وقال Dr. John Smith مدير البرنامج إن الوضع يزداد سوءًا في عدة دول.</p>`

	titleDigits = "حصيلة ضحايا الفيضانات عام 2024"
	bodyDigits  = `<p>قُتل 15 شخصا عام 2024 بسبب الفيضانات وفيروس COVID-19، وارتفعت الأسعار 30% منذ الساعة 10:45، بحسب <a href="https://who.example/2024/report-15">التقرير 2024</a>.</p>
<pre>make test 2024</pre>`
)

// saveArticles stores extra articles in a fixture and returns them as
// stored, by external id.
func (f *fixture) saveArticles(recs ...news.ArticleRecord) map[string]news.Article {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.store.SaveArticles(ctx, recs)
	if err != nil {
		f.t.Fatalf("save articles: %v", err)
	}
	f.site.Invalidate()
	out := map[string]news.Article{}
	for i, r := range recs {
		a, err := f.store.Article(ctx, res.IDs[i])
		if err != nil {
			f.t.Fatalf("article %d: %v", res.IDs[i], err)
		}
		out[r.ExternalID] = a
	}
	return out
}

// articleElement is the article element of an article page, without the
// side column and the related list.
func articleElement(page string) string {
	i := strings.Index(page, `<article class="article"`)
	j := strings.Index(page, `</article>`)
	if i < 0 || j < i {
		return ""
	}
	return page[i:j]
}

func (f *fixture) saveSettings(values map[string]string) {
	f.t.Helper()
	if err := f.store.SaveSettings(context.Background(), values); err != nil {
		f.t.Fatalf("save settings: %v", err)
	}
	f.site.Invalidate()
}

// TestArticleLanguage: an English or French article's own text is marked
// with its language and laid out left to right, the page around it stays
// Arabic; an Arabic article quoting English is unchanged.
func TestArticleLanguage(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	now := time.Now().Add(-time.Hour)
	arts := f.saveArticles(
		news.ArticleRecord{Article: news.Article{ExternalID: "t-english", Slug: "oil-prices-climb", Title: titleEnglish,
			Abstract: abstractEnglish, Body: bodyEnglish, Section: secEconomy, Authors: []news.Author{auKarim}, Dateline: "دبي",
			PublishedAt: now, Image: &news.Image{URL: "/media/oil.jpg", Alt: "An oil field at dusk", Caption: "An oil field in the Gulf"}}},
		news.ArticleRecord{Article: news.Article{ExternalID: "t-french", Slug: "mesures-agriculteurs", Title: titleFrench,
			Body: bodyFrench, Section: secWorld, Authors: []news.Author{auMona}, PublishedAt: now.Add(-time.Minute)}},
		news.ArticleRecord{Article: news.Article{ExternalID: "t-unwater", Slug: "un-water-drought", Title: titleUNWater,
			Abstract: "تحذير من جفاف.", Body: bodyUNWater, Section: secWorld, Authors: []news.Author{auYasser},
			PublishedAt: now.Add(-2 * time.Minute)}},
	)

	en := f.mustGet(arts["t-english"].Path(), http.StatusOK)
	checkLayout(t, "english article", en.body)
	contains(t, "english article", en.body,
		`<h1 class="headline" lang="en" dir="ltr">`+titleEnglish+`</h1>`,
		`<p class="standfirst" lang="en" dir="ltr">`,
		`<figure class="lead-image" lang="en" dir="ltr">`, `<span class="caption">An oil field in the Gulf</span>`,
		// the body as stored: no isolation inside left-to-right text
		`<div class="article-body" lang="en" dir="ltr">`+"\n"+bodyEnglish+"\n</div>",
		`"inLanguage":"en"`,
		// the byline and dates stay Arabic, outside the marked text
		`<p class="byline"><a rel="author"`)
	notContains(t, "english article", articleElement(en.body), `<bdi`)
	notContains(t, "english article", en.body, `<article class="article" lang=`)

	fr := f.mustGet(arts["t-french"].Path(), http.StatusOK)
	checkLayout(t, "french article", fr.body)
	contains(t, "french article", fr.body, `<h1 class="headline" lang="fr" dir="ltr">`, `<div class="article-body" lang="fr" dir="ltr">`,
		`"inLanguage":"fr"`)

	ar := f.mustGet(arts["t-unwater"].Path(), http.StatusOK)
	checkLayout(t, "arabic article", ar.body)
	contains(t, "arabic article", ar.body, `<h1 class="headline">وكالة <bdi dir="ltr">UN-Water</bdi> تحذر`,
		`<div class="article-body">`+"\n"+`<p>حذرت وكالة <bdi dir="ltr">UN-Water</bdi> من موجة جفاف غير مسبوقة، وقال <bdi dir="ltr">Dr. John Smith</bdi> مدير`,
		`"inLanguage":"ar"`)
	notContains(t, "arabic article", articleElement(ar.body), `lang="en"`, `lang="fr"`)

	// Lists: the headline of an English article is left to right, an
	// Arabic one's as before.
	for _, path := range []string{"/", news.SectionPath(secEconomy.Slug)} {
		r := f.mustGet(path, http.StatusOK)
		contains(t, path, r.body, `<bdi lang="en" dir="ltr">`+titleEnglish+`</bdi>`)
	}
	world := f.mustGet(news.SectionPath(secWorld.Slug), http.StatusOK)
	contains(t, "world", world.body, `<bdi lang="fr" dir="ltr">`+titleFrench+`</bdi>`,
		`<bdi dir="rtl">وكالة <bdi dir="ltr">UN-Water</bdi> تحذر`)
}

// TestTextDigitsSetting: with text_digits on and the site's digits
// Arabic-Indic, an Arabic article's numbers are too, but not a Latin
// name's, a link's, code's or an English article's; off, the text keeps
// its digits.
func TestTextDigitsSetting(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	now := time.Now().Add(-time.Hour)
	arts := f.saveArticles(
		news.ArticleRecord{Article: news.Article{ExternalID: "t-digits", Slug: "floods-2024", Title: titleDigits,
			Abstract: "15 قتيلا في عام 2024.", Body: bodyDigits, Section: secWorld, Authors: []news.Author{auYasser}, PublishedAt: now,
			Image: &news.Image{URL: "/media/flood.jpg", Alt: "فيضان", Caption: "شارع غمرته المياه عام 2024"}}},
		news.ArticleRecord{Article: news.Article{ExternalID: "t-english", Slug: "oil-prices-climb", Title: titleEnglish,
			Abstract: abstractEnglish, Body: bodyEnglish, Section: secEconomy, Authors: []news.Author{auKarim}, PublishedAt: now}},
	)
	path, enPath := arts["t-digits"].Path(), arts["t-english"].Path()

	f.saveSettings(map[string]string{"digits": "arabic", "text_digits": "true"})
	r := f.mustGet(path, http.StatusOK)
	contains(t, "text digits on", r.body,
		`<h1 class="headline">حصيلة ضحايا الفيضانات عام ٢٠٢٤</h1>`,
		`<p class="standfirst">١٥ قتيلا في عام ٢٠٢٤.</p>`,
		`<span class="caption">شارع غمرته المياه عام ٢٠٢٤</span>`,
		`<p>قُتل ١٥ شخصا عام ٢٠٢٤ بسبب الفيضانات وفيروس <bdi dir="ltr">COVID-19</bdi>، وارتفعت الأسعار ٣٠% منذ الساعة ١٠:٤٥`,
		`<a href="https://who.example/2024/report-15">التقرير ٢٠٢٤</a>`,
		`<pre>make test 2024</pre>`)
	// The JSON-LD and the title keep the text as written.
	contains(t, "text digits on", r.body, `<title>`+titleDigits, `"headline":"`+titleDigits+`"`)
	// Lists show the headline as the article does.
	contains(t, "world, text digits on", f.mustGet(news.SectionPath(secWorld.Slug), http.StatusOK).body,
		`<bdi dir="rtl">حصيلة ضحايا الفيضانات عام ٢٠٢٤</bdi>`)
	en := f.mustGet(enPath, http.StatusOK)
	contains(t, "english, text digits on", en.body, "climbed 3% to $84 a barrel")

	// Off, or on with Latin site digits: the text as written.
	for _, settings := range []map[string]string{{"digits": "arabic", "text_digits": "false"}, {"digits": "latin", "text_digits": "true"}} {
		f.saveSettings(settings)
		r := f.mustGet(path, http.StatusOK)
		what := "text digits " + settings["text_digits"] + ", digits " + settings["digits"]
		contains(t, what, r.body, `<p>قُتل 15 شخصا عام 2024 بسبب`, `<h1 class="headline">`+titleDigits+`</h1>`,
			`<a href="https://who.example/2024/report-15">التقرير 2024</a>`)
		if strings.Contains(r.body, "٢٠٢٤ بسبب") {
			t.Errorf("%s: the body's digits were converted", what)
		}
	}
}

// TestStandfirstNotRepeated: an abstract the body opens with (an importer
// took the lead paragraph as the abstract) is shown once, in the body; a
// standfirst of its own is shown.
func TestStandfirstNotRepeated(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	now := time.Now().Add(-time.Hour)
	lead := "أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الجنوبية."
	arts := f.saveArticles(
		news.ArticleRecord{Article: news.Article{ExternalID: "lead-twice", Slug: "hospitals", Title: "افتتاح ثلاثة مستشفيات جديدة",
			Abstract: "أعلنت وزارة الصحة اليوم عن افتتاح  ثلاثة مستشفيات…", Body: "<p>" + lead + "</p><p>وتضم المستشفيات ستمئة سرير.</p>",
			Section: secWorld, Authors: []news.Author{auYasser}, PublishedAt: now}},
		news.ArticleRecord{Article: news.Article{ExternalID: "own-standfirst", Slug: "beds", Title: "ستمئة سرير إضافي",
			Abstract: "خطة لتوسيع الرعاية في الجنوب.", Body: "<p>" + lead + "</p>",
			Section: secWorld, Authors: []news.Author{auYasser}, PublishedAt: now}},
	)
	if body := f.mustGet(arts["lead-twice"].Path(), http.StatusOK).body; strings.Contains(body, `class="standfirst"`) || !strings.Contains(body, "<p>"+lead+"</p>") {
		t.Errorf("the lead as abstract: standfirst shown %v, lead in the body %v; want it once, in the body",
			strings.Contains(body, `class="standfirst"`), strings.Contains(body, "<p>"+lead+"</p>"))
	}
	contains(t, "own standfirst", f.mustGet(arts["own-standfirst"].Path(), http.StatusOK).body, `<p class="standfirst">خطة لتوسيع الرعاية في الجنوب.</p>`)
}
