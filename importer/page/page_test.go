package page

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"sahafa/news"
)

var fallback = time.Date(2024, 10, 2, 9, 0, 0, 0, time.UTC)

func TestSeedPage(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "samples", "seed-page.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("seed page %s not available (%v): skipping", path, err)
	}
	p, err := Parse(string(b), Options{PublishedAt: fallback, SourceURL: "https://example.com/a/1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Section != "اخبار العالم" {
		t.Errorf("section %q, want %q", p.Section, "اخبار العالم")
	}
	if len(p.Drafts) != 2 {
		t.Fatalf("%d drafts, want 2: %#v", len(p.Drafts), p.Drafts)
	}
	d1, d2 := p.Drafts[0], p.Drafts[1]
	if d1.Title != "إصابة جنود أمريكيين في هجوم صاروخي على قاعدة بالعراق" {
		t.Errorf("title 1 %q", d1.Title)
	}
	if !reflect.DeepEqual(d1.Authors, []string{"ياسر رشاد"}) || d1.Dateline != "القاهرة" {
		t.Errorf("story 1 byline: authors %q dateline %q", d1.Authors, d1.Dateline)
	}
	p1 := paras(t, d1.Body)
	if len(p1) != 5 {
		t.Errorf("story 1 has %d paragraphs, want 5", len(p1))
	}
	if len(p1) > 0 && !strings.HasPrefix(p1[0], "أفادت مصادر أمنية") {
		t.Errorf("story 1 starts %q", p1[0])
	}
	if !strings.HasPrefix(d2.Title, "بلينكن: التصعيد في الشرق الأوسط") || strings.HasSuffix(d2.Title, " ") || strings.HasSuffix(d2.Title, "\u00a0") {
		t.Errorf("title 2 %q", d2.Title)
	}
	if len(d2.Authors) != 0 || d2.Dateline != "" {
		t.Errorf("story 2 has a byline: %q %q", d2.Authors, d2.Dateline)
	}
	if n := len(paras(t, d2.Body)); n != 3 {
		t.Errorf("story 2 has %d paragraphs, want 3", n)
	}
	for i, d := range p.Drafts {
		for _, chrome := range []string{"Advertisements", "قد تقرأ أيضا", "الارشيف"} {
			if strings.Contains(d.Body, chrome) || strings.Contains(d.Title, chrome) {
				t.Errorf("draft %d holds %q", i+1, chrome)
			}
		}
		if d.SectionName != "اخبار العالم" || !d.PublishedAt.Equal(fallback) {
			t.Errorf("draft %d: section %q, published %v", i+1, d.SectionName, d.PublishedAt)
		}
		if d.SourceURL != "https://example.com/a/1" || d.ExternalID == "" {
			t.Errorf("draft %d: source %q id %q", i+1, d.SourceURL, d.ExternalID)
		}
	}
	if p.Drafts[0].ExternalID == p.Drafts[1].ExternalID {
		t.Errorf("both drafts have external id %q", p.Drafts[0].ExternalID)
	}
}

// paras checks that body is a run of <p> elements and returns their text.
func paras(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(l, "<p>") || !strings.HasSuffix(l, "</p>") {
			t.Fatalf("body line %q is not a paragraph", l)
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(l, "<p>"), "</p>"))
	}
	return out
}

const para1 = "أعلنت وزارة الرياضة اليوم عن خطة جديدة لتطوير الملاعب في جميع المناطق، وقالت إن العمل سيبدأ الشهر المقبل."
const para2 = "وأضافت الوزارة في بيان أن الخطة تشمل إنشاء عشرة ملاعب جديدة وتحديث الملاعب القائمة خلال ثلاث سنوات."
const para3 = "وقال المتحدث باسم الوزارة إن \"الهدف هو رفع جاهزية المنشآت\" قبل البطولات القارية المقبلة."

func TestPageShapes(t *testing.T) {
	type story struct {
		title    string
		authors  []string
		dateline string
		paras    int
		date     time.Time
	}
	tests := []struct {
		name    string
		text    string
		section string
		stories []story
	}{
		{
			name: "two stories, City: Name byline line, date line, chrome in the middle",
			text: "الرئيسية » أخبار » رياضة\n\nخطة لتطوير الملاعب في المناطق\nالرياض: سارة المطيري\nالأحد 5 يناير 2025 - 10:30 م\n" +
				para1 + "\n\nإعلانات\n" + para2 + "\nشارك\nتابعونا\n" + para3 +
				"\n\nانطلاق بطولة الأندية الخليجية الشهر المقبل\n١٢/٠١/٢٠٢٥\n" + para1 + "\n" + para2 + "\nالمزيد\n",
			section: "رياضة",
			stories: []story{
				{"خطة لتطوير الملاعب في المناطق", []string{"سارة المطيري"}, "الرياض", 3, time.Date(2025, 1, 5, 22, 30, 0, 0, time.UTC)},
				{"انطلاق بطولة الأندية الخليجية الشهر المقبل", nil, "", 2, time.Date(2025, 1, 12, 0, 0, 0, 0, time.UTC)},
			},
		},
		{
			name:    "بواسطة byline, page date before the story, related block",
			text:    "Home > Sport\n2 March 2025\nوزير الرياضة يفتتح ملعبا جديدا في جدة\nبواسطة : عمرو عاطف\n" + para1 + "\n" + para2 + "\nاقرأ أيضا\nعنوان خبر آخر\nوعنوان ثالث هنا\n",
			section: "Sport",
			stories: []story{{"وزير الرياضة يفتتح ملعبا جديدا في جدة", []string{"عمرو عاطف"}, "", 2, time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)}},
		},
		{
			name:    "no breadcrumb, agency byline inline, subheading kept in the body",
			text:    "\ufeffارتفاع أسعار النفط مع تراجع المخزونات الأمريكية\r\n\r\nلندن (رويترز) - " + para1 + "\r\nتوقعات السوق\r\n" + para2 + "\r\n",
			section: "",
			stories: []story{{"ارتفاع أسعار النفط مع تراجع المخزونات الأمريكية", nil, "لندن", 3, fallback}},
		},
		{
			name:    "a headline with a colon and trailing spaces; a sentence with a dash is no byline",
			text:    "الأرشيف / سياسة\nالوزير: لا تراجع عن الإصلاحات \u00a0 \n\nقال الوزير - في مؤتمر صحفي - إن الإصلاحات ماضية.\n" + para2,
			section: "سياسة",
			stories: []story{{"الوزير: لا تراجع عن الإصلاحات", nil, "", 2, fallback}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.text, Options{PublishedAt: fallback})
			if err != nil {
				t.Fatal(err)
			}
			if p.Section != tt.section {
				t.Errorf("section %q, want %q", p.Section, tt.section)
			}
			if len(p.Drafts) != len(tt.stories) {
				t.Fatalf("%d drafts, want %d: %+v", len(p.Drafts), len(tt.stories), p.Drafts)
			}
			for i, want := range tt.stories {
				d := p.Drafts[i]
				if d.Title != want.title || !reflect.DeepEqual(d.Authors, want.authors) || d.Dateline != want.dateline {
					t.Errorf("story %d: %q %q %q, want %q %q %q", i+1, d.Title, d.Authors, d.Dateline, want.title, want.authors, want.dateline)
				}
				ps := paras(t, d.Body)
				if len(ps) != want.paras {
					t.Errorf("story %d: %d paragraphs, want %d: %q", i+1, len(ps), want.paras, ps)
				}
				if !d.PublishedAt.Equal(want.date) {
					t.Errorf("story %d: published %v, want %v", i+1, d.PublishedAt, want.date)
				}
				for _, c := range []string{"إعلانات", "شارك", "تابعونا", "المزيد", "اقرأ أيضا", "عنوان خبر آخر", "2025", "١٢"} {
					if strings.Contains(d.Body, c) {
						t.Errorf("story %d body holds %q", i+1, c)
					}
				}
				if d.SectionName != tt.section {
					t.Errorf("story %d: section name %q", i+1, d.SectionName)
				}
			}
		})
	}
}

func TestEscapesBody(t *testing.T) {
	p, err := Parse("عنوان الخبر هنا للتجربة\n"+`قال: <script>alert("x")</script> & انتهى.`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<p>قال: &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; انتهى.</p>"; p.Drafts[0].Body != want {
		t.Errorf("body %q, want %q", p.Drafts[0].Body, want)
	}
}

func TestNoStory(t *testing.T) {
	tests := []struct{ text, msg string }{
		{"", "no story"},
		{"\n \n\u00a0\n", "no story"},
		{"الارشيف / اخبار العالم\n\nAdvertisements\n", "no story"},
		{"الارشيف / اخبار العالم\n\nعنوان بلا نص\n\nقد تقرأ أيضا", "no story"},
		{"الارشيف / اخبار\n\n" + para1 + "\n" + para2, "line 3"},
		{"Advertisements\nعنوان الخبر\n\xff\xfe", "line 3: text is not valid UTF-8"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.text, Options{})
		if err == nil {
			t.Errorf("Parse(%q): no error", tt.text)
			continue
		}
		var ne *news.Error
		if !errors.As(err, &ne) || ne.Code != news.EINVALID {
			t.Errorf("Parse(%q): error %v is not EINVALID", tt.text, err)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Parse(%q): error %q does not say %q", tt.text, err, tt.msg)
		}
	}
}

func TestParseDateLine(t *testing.T) {
	tests := []struct {
		line string
		ok   bool
		want time.Time
	}{
		{"الأحد 5 يناير 2025 - 10:30 م", true, time.Date(2025, 1, 5, 22, 30, 0, 0, time.UTC)},
		{"٥ أغسطس ٢٠١٥", true, time.Date(2015, 8, 5, 0, 0, 0, 0, time.UTC)},
		{"نشر في: 12 تشرين الأول 2024", true, time.Date(2024, 10, 12, 0, 0, 0, 0, time.UTC)},
		{"Tuesday, 14 July 2015 - 22:10 pm", true, time.Date(2015, 7, 14, 22, 10, 0, 0, time.UTC)},
		{"July 14, 2015", true, time.Date(2015, 7, 14, 0, 0, 0, 0, time.UTC)},
		{"2024-03-07 08:15", true, time.Date(2024, 3, 7, 8, 15, 0, 0, time.UTC)},
		{"07/03/2024", true, time.Date(2024, 3, 7, 0, 0, 0, 0, time.UTC)},
		{"الخميس 5 رجب 1445 هـ", true, time.Time{}},
		{"5 قتلى في هجوم على قاعدة", false, time.Time{}},
		{"مارس", false, time.Time{}},
		{"31/02/2024", false, time.Time{}},
	}
	for _, tt := range tests {
		got, ok := parseDateLine(tt.line, time.UTC)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseDateLine(%q) = %v, %v; want %v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParsePage(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "samples", "seed-page.txt")); err == nil {
		f.Add(string(b))
	}
	f.Add("الرئيسية » أخبار » رياضة\nعنوان الخبر الأول هنا\nالرياض: سارة المطيري\n5 يناير 2025\n" + para1 + "\nAdvertisements\n" + para2)
	f.Add("عنوان\nياسر رشاد - القاهرة - " + para1 + "\nقد تقرأ أيضا\nعنوان آخر")
	f.Add("Advertisements\nAdvertisements هنا نص.\nعنوان قصير جدا\nAdvertisements في وسط الفقرة.")
	f.Add("\xff")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := Parse(text, Options{PublishedAt: fallback})
		if err != nil {
			if len(p.Drafts) != 0 {
				t.Fatalf("error %v with drafts", err)
			}
			return
		}
		if len(p.Drafts) == 0 {
			t.Fatal("no error and no drafts")
		}
		for _, d := range p.Drafts {
			if strings.TrimSpace(d.Title) == "" || d.Body == "" {
				t.Fatalf("empty title or body: %+v", d)
			}
			for _, a := range d.Authors {
				if strings.TrimSpace(a) == "" {
					t.Fatalf("empty author in %q", d.Authors)
				}
			}
			for _, l := range strings.Split(d.Body, "\n") {
				if strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "<p>"), "</p>")) == "Advertisements" {
					t.Fatalf("body holds the ad label: %q", d.Body)
				}
			}
			if strings.Contains(d.Body, "<p>Advertisements</p>") {
				t.Fatalf("body holds the ad label: %q", d.Body)
			}
		}
	})
}
