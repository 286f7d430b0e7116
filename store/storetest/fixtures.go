package storetest

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"sahafa/news"
)

// The fixture: twelve short Arabic stories, written for these tests, in
// three sections by three authors over eleven days of March 2026.

var (
	politics = news.Section{Slug: "politics", Name: "سياسة"}
	economy  = news.Section{Slug: "economy", Name: "اقتصاد"}
	sports   = news.Section{Slug: "sports", Name: "رياضة"}

	layla = news.Author{Slug: "layla-haddad", Name: "ليلى حداد"}
	omar  = news.Author{Slug: "omar-khatib", Name: "عمر الخطيب"}
	sara  = news.Author{Slug: "sara-mansour", Name: "سارة منصور"}
)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, time.March, day, hour, minute, 0, 0, time.UTC)
}

type fixture struct {
	key      string // ExternalID
	section  news.Section
	authors  []news.Author
	slug     string
	title    string
	abstract string
	body     string
	dateline string
	when     time.Time
}

var fixtures = []fixture{
	{"p1", politics, []news.Author{layla}, "arab-ministers-water",
		"وزراء الخارجية العرب يجتمعون في القاهرة لبحث أزمة المياه",
		"اجتماع طارئ لوزراء الخارجية حول المياه.",
		"<p>اجتمع وزراء الخارجية العرب اليوم في القاهرة لبحث أزمة المياه في المنطقة، واتفقوا على تشكيل لجنة فنية مشتركة تقدم تقريرها خلال ثلاثة أشهر.</p>",
		"القاهرة", at(1, 9, 0)},
	{"p2", politics, []news.Author{omar, layla}, "local-elections-law",
		"البرلمان يقر قانون الانتخابات المحلية بعد نقاش طويل",
		"القانون يخصص مقاعد للشباب.",
		"<p>أقر البرلمان بأغلبية واضحة قانون الانتخابات المحلية الجديد بعد نقاش استمر أسبوعين، وينص القانون على تخصيص مقاعد للشباب في المجالس البلدية.</p>",
		"عمّان", at(3, 14, 30)},
	{"p3", politics, []news.Author{omar}, "pm-visits-south",
		"رئيس الوزراء يزور الجنوب ويعد بمشاريع للبنية التحتية",
		"وعود بطرق وكهرباء لمحافظات الجنوب.",
		"<p>زار رئيس الوزراء محافظات الجنوب ووعد بإطلاق مشاريع للطرق والكهرباء، وقال إن الحكومة خصصت ميزانية إضافية للبنية التحتية هذا العام.</p>",
		"البصرة", at(6, 11, 0)},
	{"p4", politics, []news.Author{sara}, "rabat-trade-talks",
		"مفاوضات تجارية بين المغرب وموريتانيا في الرباط",
		"جولة جديدة من المحادثات حول الرسوم الجمركية.",
		"<p>بدأت في الرباط جولة جديدة من المفاوضات التجارية بين المغرب وموريتانيا تتناول الرسوم الجمركية وحركة الشاحنات عبر الحدود.</p>",
		"الرباط", at(9, 8, 15)},
	{"e1", economy, []news.Author{sara}, "central-bank-rate",
		"البنك المركزي يرفع سعر الفائدة لمواجهة التضخم",
		"زيادة نصف نقطة مئوية.",
		"<p>قرر البنك المركزي رفع سعر الفائدة نصف نقطة مئوية لمواجهة التضخم الذي بلغ أعلى مستوى له منذ سنوات، وتوقع المحللون أن تتراجع الأسعار تدريجيا.</p>",
		"الرياض", at(2, 10, 0)},
	{"e2", economy, []news.Author{sara, omar}, "oil-prices-rise",
		"أسعار النفط ترتفع مع تراجع المخزونات",
		"الطلب على الوقود يزداد.",
		"<p>ارتفعت أسعار النفط في تعاملات اليوم بعد أن أظهرت البيانات تراجع المخزونات الأمريكية، وقال متعاملون إن الطلب على الوقود يزداد مع اقتراب الصيف.</p>",
		"دبي", at(4, 16, 45)},
	{"e3", economy, []news.Author{layla}, "dates-exports-record",
		"صادرات التمور تسجل رقما قياسيا هذا الموسم",
		"أسواق جديدة في آسيا وأوروبا.",
		"<p>سجلت صادرات التمور رقما قياسيا هذا الموسم بفضل أسواق جديدة في آسيا وأوروبا، وأكد المزارعون أن جودة المحصول ساعدت على رفع الأسعار.</p>",
		"المدينة المنورة", at(7, 12, 0)},
	{"e4", economy, []news.Author{sara}, "world-bank-outlook",
		"البنك الدولي يتوقع نموا معتدلا في اقتصادات المنطقة",
		"دعوة إلى تنويع مصادر الدخل.",
		"<p>توقع البنك الدولي في تقريره الجديد نموا معتدلا لاقتصادات المنطقة، ودعا الحكومات إلى تنويع مصادر الدخل بعيدا عن النفط والاستثمار في التعليم.</p>",
		"واشنطن", at(10, 18, 0)},
	{"s1", sports, []news.Author{omar}, "national-team-wins",
		"المنتخب يفوز على ضيفه بهدفين في تصفيات كأس العالم",
		"هدفان في الشوط الثاني.",
		"<p>فاز المنتخب الوطني على ضيفه بهدفين دون رد في تصفيات كأس العالم، وسجل الهدفين مهاجم الفريق في الشوط الثاني أمام جمهور كبير.</p>",
		"الدوحة", at(2, 21, 0)},
	{"s2", sports, []news.Author{omar}, "wahda-new-coach",
		"نادي الوحدة يتعاقد مع مدرب جديد",
		"عقد لمدة موسمين.",
		"<p>أعلن نادي الوحدة التعاقد مع مدرب جديد لمدة موسمين، وقال رئيس النادي إن الهدف هو المنافسة على لقب الدوري وكأس البطولة.</p>",
		"أبوظبي", at(5, 19, 30)},
	{"s3", sports, []news.Author{layla}, "marathon-record",
		"عداءة مغربية تحطم الرقم القياسي في سباق الماراثون",
		"فارق دقيقتين عن الرقم السابق.",
		"<p>حطمت عداءة مغربية الرقم القياسي في سباق الماراثون الدولي، وقطعت المسافة في زمن أقل من الرقم السابق بدقيقتين وسط تشجيع الجمهور.</p>",
		"مراكش", at(8, 7, 45)},
	{"s4", sports, []news.Author{sara}, "arab-chess-championship",
		"ختام بطولة الشطرنج العربية في تونس",
		"لاعب شاب يفوز بالمركز الأول.",
		"<p>اختتمت في تونس بطولة الشطرنج العربية بمشاركة لاعبين من اثني عشر بلدا، وفاز بالمركز الأول لاعب شاب في أول مشاركة له.</p>",
		"تونس", at(11, 20, 0)},
}

// analyze stands in for the Arabic analyzer: it lower-cases, drops HTML
// tags and punctuation and splits on white space. Stores treat the result as
// opaque terms.
func analyze(s string) string {
	var b strings.Builder
	inTag := false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
			b.WriteRune(' ')
		case r == '>':
			inTag = false
		case inTag:
		case unicode.IsPunct(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(b.String())), " ")
}

// record builds the ArticleRecord of a fixture, search text included.
func (f fixture) record() news.ArticleRecord {
	return withSearch(news.Article{
		ExternalID:  f.key,
		SourceURL:   "https://example.org/" + f.key,
		Source:      "example",
		Slug:        f.slug,
		Title:       f.title,
		Abstract:    f.abstract,
		Body:        f.body,
		Section:     f.section,
		Authors:     append([]news.Author(nil), f.authors...),
		Dateline:    f.dateline,
		PublishedAt: f.when,
	})
}

// withSearch wraps an article with the search text analyze gives it.
func withSearch(a news.Article) news.ArticleRecord {
	return news.ArticleRecord{
		Article:     a,
		SearchTitle: analyze(a.Title),
		SearchBody:  analyze(a.Abstract + " " + a.Body),
	}
}

func fixtureByKey(key string) fixture {
	for _, f := range fixtures {
		if f.key == key {
			return f
		}
	}
	panic("storetest: no fixture " + key)
}

// generated returns n plain articles in section sec, one hour apart from
// start, with external ids prefix-0, prefix-1…
func generated(prefix string, n int, sec news.Section, start time.Time) []news.ArticleRecord {
	words := []string{"مدينة", "سوق", "مدرسة", "مطر", "جسر", "قطار", "ميناء", "حديقة", "مكتبة", "مستشفى"}
	out := make([]news.ArticleRecord, n)
	for i := range out {
		w := words[i%len(words)]
		out[i] = withSearch(news.Article{
			ExternalID:  prefix + "-" + itoa(i),
			Slug:        prefix + "-" + itoa(i),
			Title:       "خبر عن " + w + " رقم " + itoa(i),
			Body:        "<p>نص قصير عن " + w + " في " + sec.Name + ".</p>",
			Section:     sec,
			Authors:     []news.Author{layla},
			PublishedAt: start.Add(time.Duration(i) * time.Hour),
		})
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
