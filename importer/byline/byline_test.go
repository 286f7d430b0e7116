package byline

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestParse(t *testing.T) {
	tests := []struct {
		raw      string
		authors  []string
		dateline string
		agency   string
	}{
		// the forms named in the brief
		{"ياسر رشاد - القاهرة", []string{"ياسر رشاد"}, "القاهرة", ""},
		{"القاهرة - أحمد الريدي", []string{"أحمد الريدي"}, "القاهرة", ""},
		{"لندن: رنيم حنوش", []string{"رنيم حنوش"}, "لندن", ""},
		{"بواسطة : عمرو عاطف", []string{"عمرو عاطف"}, "", ""},
		{"&nbsp;واس (جدة)", nil, "جدة", "واس"},
		{"عكاظ (جدة)", nil, "جدة", "عكاظ"},
		{"«الاقتصادية» من الرياض", nil, "الرياض", "الاقتصادية"},
		{"العربية.نت - وكالات", nil, "", "العربية.نت، وكالات"},
		{"الرياض - الوئام :", nil, "الرياض", "الوئام"},
		{"القاهرة - مكتب الجزيرة - طارق محيي:", []string{"طارق محيي"}, "القاهرة", "الجزيرة"},
		{"لندن: «الشرق الأوسط أونلاين»", nil, "لندن", "الشرق الأوسط أونلاين"},
		{"رويترز", nil, "", "رويترز"},
		{"أبها - عبدالله الهاجري:", []string{"عبدالله الهاجري"}, "أبها", ""},
		{"محمد البيضاني - الباحة", []string{"محمد البيضاني"}, "الباحة", ""},
		{"دبي - سكاي نيوز عربية", nil, "دبي", "سكاي نيوز عربية"},
		{"", nil, "", ""},
		// more shapes
		{"بقلم: سارة المطيري", []string{"سارة المطيري"}, "", ""},
		{"كتب - علاء سعيد:", []string{"علاء سعيد"}, "", ""},
		{"واس (الرياض)", nil, "الرياض", "واس"},
		{"عبدالرحمن الحجاب (الرياض)", []string{"عبدالرحمن الحجاب"}, "الرياض", ""},
		{"واس - الرياض", nil, "الرياض", "واس"},
		{"رويترز - لندن", nil, "لندن", "رويترز"},
		{"دبي ـ العربية.نت", nil, "دبي", "العربية.نت"},
		{"زيوريخ ـــ رويترز:", nil, "زيوريخ", "رويترز"},
		{"أبهــا-الوئام:", nil, "أبها", "الوئام"},
		{"مدريد - د ب أ", nil, "مدريد", "د ب أ"},
		{"(أ. ف. ب) لندن", nil, "لندن", "أ. ف. ب"},
		{"شنغهاي : (أ ف ب)", nil, "شنغهاي", "أ ف ب"},
		{"العربية.نت ووكالات", nil, "", "العربية.نت، وكالات"},
		{"بغداد: حمزة مصطفى  و مناف العبيدي", []string{"حمزة مصطفى", "مناف العبيدي"}, "بغداد", ""},
		{"بغداد: حمزة مصطفى  البصرة: فارس الشريفي", []string{"حمزة مصطفى", "فارس الشريفي"}, "بغداد", ""},
		{"عبدالله البرقاوي، ذياب الشمري- سبق- الرياض:", []string{"عبدالله البرقاوي", "ذياب الشمري"}, "الرياض", "سبق"},
		{"جاري سيلفرمان من نيويورك", []string{"جاري سيلفرمان"}, "نيويورك", ""},
		{"المدينة المنورة - مروان قصاص / تصوير - عبد الله الردادي:", []string{"مروان قصاص"}, "المدينة المنورة", ""},
		{"&nbsp;فارس القحطاني (الرياض)، تصوير: عبدالعزيز اليوسف", []string{"فارس القحطاني"}, "الرياض", ""},
		{"الرياض - الرياضية | Tuesday, 14 July 2015 - 22:10 pm", nil, "الرياض", "الرياضية"},
		{"فهد بن جليد", []string{"فهد بن جليد"}, "", ""},
		{"د. محمد بن يحيى أبوملحة", []string{"د. محمد بن يحيى أبوملحة"}, "", ""},
		{"سعود الدعجاني – سبق – رنيه:", []string{"سعود الدعجاني"}, "رنيه", "سبق"},
		{"الأمم المتحدة - رويترز", nil, "الأمم المتحدة", "رويترز"},
		{"فرانس 24", nil, "", "فرانس 24"},
		{"كلمة الاقتصادية", nil, "", "الاقتصادية"},
		// الرياض and المدينة are cities and newspapers
		{"الرياض", nil, "", "الرياض"},
		{"دبي - الرياض", nil, "دبي", "الرياض"},
		{"المدينة - جدة", nil, "جدة", "المدينة"},
		{"اليوم - الدمام", nil, "الدمام", "اليوم"},
		{"الرياض - الرياض الإلكتروني", nil, "الرياض", "الرياض الإلكتروني"},
		{"متابعة - الرياض الإلكتروني", nil, "", "الرياض الإلكتروني"},
		{"«الرياض» - جدة", nil, "جدة", "الرياض"},
		// noise
		{"30174026-20d9-40a2-9e04-5b63346a78a6", nil, "", ""},
		{"\"سبق\" تقول للمسؤول: حادثة بعد حادثة، وضحية بعد أخرى", nil, "", ""},
		{"- المنشد لا يعلم عن ولا يتدخل في الأمور المالية &quot;وربي ارزقني&quot;", nil, "", ""},
	}
	for _, tt := range tests {
		got := Parse(tt.raw)
		want := Byline{Authors: tt.authors, Dateline: tt.dateline, Agency: tt.agency}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.raw, got, want)
		}
	}
}

func TestSplitLead(t *testing.T) {
	tests := []struct {
		para     string
		ok       bool
		authors  []string
		dateline string
		agency   string
		rest     string
	}{
		{"ياسر رشاد - القاهرة - أفادت مصادر أمنية بإصابة عدد من الجنود.", true, []string{"ياسر رشاد"}, "القاهرة", "", "أفادت مصادر أمنية بإصابة عدد من الجنود."},
		{"القاهرة (رويترز) - قال مسؤول كبير اليوم إن المحادثات مستمرة.", true, nil, "القاهرة", "رويترز", "قال مسؤول كبير اليوم إن المحادثات مستمرة."},
		{"لندن: قال رئيس الوزراء البريطاني إن الحكومة ستعلن خطتها.", true, nil, "لندن", "", "قال رئيس الوزراء البريطاني إن الحكومة ستعلن خطتها."},
		{"الرياض - واس - أعلنت وزارة الصحة تسجيل حالات جديدة.", true, nil, "الرياض", "واس", "أعلنت وزارة الصحة تسجيل حالات جديدة."},
		{"بلينكن: التصعيد في الشرق الأوسط لا يصب في مصلحة أحد", false, nil, "", "", ""},
		{"قال الوزير - في بيان صحفي - إن الوضع مستقر.", false, nil, "", "", ""},
		{"أحمد علي - أفادت مصادر أمنية بإصابة عدد من الجنود.", false, nil, "", "", ""},
		{"الاتفاق السعودي-الإماراتي يدخل حيز التنفيذ - بحسب مصادر.", false, nil, "", "", ""},
		{"القاهرة - ", false, nil, "", "", ""},
		{"", false, nil, "", "", ""},
	}
	for _, tt := range tests {
		b, rest, ok := SplitLead(tt.para)
		if ok != tt.ok {
			t.Errorf("SplitLead(%q) ok = %v, want %v (%#v, %q)", tt.para, ok, tt.ok, b, rest)
			continue
		}
		if !ok {
			if rest != tt.para {
				t.Errorf("SplitLead(%q) changed the paragraph to %q", tt.para, rest)
			}
			continue
		}
		want := Byline{Authors: tt.authors, Dateline: tt.dateline, Agency: tt.agency}
		if !reflect.DeepEqual(b, want) || rest != tt.rest {
			t.Errorf("SplitLead(%q)\n got %#v %q\nwant %#v %q", tt.para, b, rest, want, tt.rest)
		}
	}
}

func TestParseLine(t *testing.T) {
	yes := []string{"القاهرة - أحمد الريدي", "بواسطة : عمرو عاطف", "لندن: رنيم حنوش", "رويترز", "واس (جدة)"}
	no := []string{"أحمد الريدي", "وزير الخارجية يصل إلى الرياض", "بلينكن: التصعيد في الشرق الأوسط", "إصابة جنود أمريكيين في هجوم صاروخي"}
	for _, s := range yes {
		if _, ok := ParseLine(s); !ok {
			t.Errorf("ParseLine(%q) = false, want true", s)
		}
	}
	for _, s := range no {
		if b, ok := ParseLine(s); ok {
			t.Errorf("ParseLine(%q) = %#v, true; want false", s, b)
		}
	}
}

// checkByline holds what every parse must satisfy, whatever the input.
func checkByline(t *testing.T, raw string, b Byline) {
	t.Helper()
	if len(b.Authors) > MaxAuthors {
		t.Errorf("Parse(%q): %d authors", raw, len(b.Authors))
	}
	for _, a := range b.Authors {
		if strings.TrimSpace(a) == "" || a != strings.TrimSpace(a) {
			t.Errorf("Parse(%q): blank or untrimmed author %q", raw, a)
		}
		if lookup(a) != kindNone {
			t.Errorf("Parse(%q): author %q is a known place or agency", raw, a)
		}
		if strings.ContainsAny(a, ":«»\"()0123456789") || strings.IndexFunc(a, unicode.IsDigit) >= 0 {
			t.Errorf("Parse(%q): author %q holds digits, a colon, quotes or brackets", raw, a)
		}
	}
	if b.Dateline != "" && lookup(b.Dateline) == kindAgency {
		t.Errorf("Parse(%q): dateline %q is an agency", raw, b.Dateline)
	}
}

func corpusBylines(t testing.TB, name string) []string {
	if testing.Short() {
		t.Skip("reading the corpora is skipped in -short mode")
	}
	path := filepath.Join("..", "..", "..", "shared", "corpus", name)
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus %s not available (%v): skipping", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var out []string
	for sc.Scan() {
		var rec struct {
			Byline string `json:"byline"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, rec.Byline)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

func TestCorpusBylines(t *testing.T) {
	for _, name := range []string{"ant-v2.1.jsonl.gz", "saudinewsnet.jsonl.gz"} {
		t.Run(name, func(t *testing.T) {
			raws := corpusBylines(t, name)
			var nonEmpty, withAuthor, withDateline, withBoth, withAgency, withAny int
			for _, raw := range raws {
				b := Parse(raw)
				checkByline(t, raw, b)
				if strings.TrimSpace(raw) == "" {
					continue
				}
				nonEmpty++
				if len(b.Authors) > 0 {
					withAuthor++
				}
				if b.Dateline != "" {
					withDateline++
				}
				if len(b.Authors) > 0 && b.Dateline != "" {
					withBoth++
				}
				if b.Agency != "" {
					withAgency++
				}
				if len(b.Authors) > 0 || b.Dateline != "" || b.Agency != "" {
					withAny++
				}
			}
			pct := func(n int) float64 { return 100 * float64(n) / float64(max(nonEmpty, 1)) }
			t.Logf("%s: %d bylines, %d non-empty; of those: author %.1f%%, dateline %.1f%%, author and dateline %.1f%%, agency %.1f%%, anything %.1f%%",
				name, len(raws), nonEmpty, pct(withAuthor), pct(withDateline), pct(withBoth), pct(withAgency), pct(withAny))
			if pct(withAny) < 80 {
				t.Errorf("only %.1f%% of non-empty bylines gave anything", pct(withAny))
			}
		})
	}
}

var benchBylines = []string{
	"ياسر رشاد - القاهرة", "لندن: «الشرق الأوسط أونلاين»", "&nbsp;واس (جدة)",
	"القاهرة - مكتب الجزيرة - طارق محيي:", "عبدالله البرقاوي، ذياب الشمري- سبق- الرياض:",
	"«الاقتصادية» من الرياض", "بواسطة : عمرو عاطف", "دبي - سكاي نيوز عربية", "",
	"الرياض - الرياضية | Tuesday, 14 July 2015 - 22:10 pm", "رويترز", "بغداد: حمزة مصطفى  و مناف العبيدي",
}

func BenchmarkParseByline(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Parse(benchBylines[i%len(benchBylines)])
	}
}

func FuzzParseByline(f *testing.F) {
	for _, s := range benchBylines {
		f.Add(s)
	}
	f.Add("ـــ")
	f.Add("(((«»)))::--")
	f.Add("أ.د و و و من من")
	f.Add("&amp;&nbsp;\u200fجدة\u202e")
	f.Fuzz(func(t *testing.T, raw string) {
		b := Parse(raw)
		checkByline(t, raw, b)
		if lb, ok := ParseLine(raw); ok {
			checkByline(t, raw, lb)
		}
	})
}

func FuzzSplitLead(f *testing.F) {
	f.Add("ياسر رشاد - القاهرة - أفادت مصادر أمنية بإصابة عدد من الجنود.")
	f.Add("القاهرة (رويترز) - قال مسؤول كبير اليوم إن المحادثات مستمرة.")
	f.Add("لندن: قال رئيس الوزراء البريطاني إن الحكومة ستعلن خطتها.")
	f.Add("قال الوزير - في بيان صحفي - إن الوضع مستقر.")
	f.Add("ـ ـ ـ :)")
	f.Fuzz(func(t *testing.T, para string) {
		b, rest, ok := SplitLead(para)
		if !ok {
			if rest != para {
				t.Fatalf("not split, yet the paragraph changed")
			}
			return
		}
		checkByline(t, para, b)
		if !strings.HasSuffix(para, rest) || rest == "" {
			t.Fatalf("rest %q is not a tail of %q", rest, para)
		}
		if len(b.Authors) == 0 && b.Dateline == "" && b.Agency == "" {
			t.Fatalf("split an empty byline from %q", para)
		}
	})
}

// The name علي is not the preposition على, which keys fold it into.
func TestNameAli(t *testing.T) {
	for raw, want := range map[string]string{
		"كتب: محمد علي":      "محمد علي",
		"القاهرة - محمد علي": "محمد علي",
		"بيروت - علي حسن":    "علي حسن",
		"بقلم: علي عبد الله": "علي عبد الله",
	} {
		got := Parse(raw)
		if len(got.Authors) != 1 || got.Authors[0] != want {
			t.Errorf("Parse(%q).Authors = %q, want [%s]", raw, got.Authors, want)
		}
	}
	if got := Parse("القاهرة - ردا على سؤال الصحفيين"); len(got.Authors) != 0 {
		t.Errorf("a sentence with على became an author: %q", got.Authors)
	}
}
