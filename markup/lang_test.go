package markup_test

import (
	"strings"
	"testing"

	"sahafa/markup"
)

func TestDetectLanguage(t *testing.T) {
	for _, c := range []struct {
		name, text, want string
	}{
		// Arabic, however much Latin it quotes: never left to right.
		{"arabic", "قالت مصادر محلية إن عدة صواريخ سقطت صباح اليوم في محيط قاعدة عسكرية شمال البلاد، من دون أن تُسجَّل خسائر بشرية.", ""},
		{"arabic with names and acronyms", "حذرت وكالة UN-Water من موجة جفاف، وقال Dr. John Smith مدير البرنامج في WHO إن الوضع في غزة والسودان يزداد سوءًا، وإن منظمة UNICEF تطلب تمويلًا عاجلًا.", ""},
		{"arabic with a URL and an e-mail", "للاطلاع على التقرير الكامل زوروا https://www.example.org/reports/2024/water-crisis-annual-report أو راسلونا على press.office@example.org قبل نهاية الأسبوع.", ""},
		{"arabic quoting English", "وقال الرئيس الأميركي في خطابه: \"We will not back down, and we will stand with our allies\"، مضيفًا أن بلاده ستواصل دعمها العسكري والاقتصادي للحلفاء في المنطقة خلال السنوات المقبلة.", ""},
		{"arabic tech", "أعلنت شركة Apple عن هاتفها الجديد iPhone 16 Pro Max في مؤتمر صحفي، مع تحسينات في الكاميرا والبطارية ودعم تقنية Apple Intelligence وشبكات 5G.", ""},
		{"arabic headline only", "شركة Apple تطلق iPhone 16", ""},
		{"arabic French names", "التقى وزير الخارجية نظيره الفرنسي Jean-Noël Barrot في قصر الإليزيه، ونقلت صحيفة Le Monde عن مصادر دبلوماسية أن اللقاء تناول الوضع في لبنان.", ""},

		{"english", "Oil prices rose sharply on Thursday after the producers' cartel said it would extend output cuts into the second half of the year, tightening supply in a market already worried about demand.", "en"},
		{"english headline and standfirst", "Talks resume in Geneva after two-week pause. The two delegations returned to the table with hopes of a deal.", "en"},
		{"english with Arabic names", "Mohammed bin Salman met the visiting delegation in Riyadh, where officials from the kingdom and the United States discussed a defence pact. The meeting in قصر اليمامة lasted two hours.", "en"},
		{"english with accented names", "José Mourinho said the café owner in Zürich was wrong, and that the club would appeal the decision of the league's disciplinary committee.", "en"},

		{"french", "Le gouvernement a annoncé mardi une série de mesures pour soutenir les agriculteurs, qui dénoncent depuis des semaines la hausse des coûts et la concurrence des importations.", "fr"},
		{"french elisions", "L'Assemblée nationale s'est prononcée hier soir : l'opposition estime qu'il s'agit d'un passage en force du gouvernement.", "fr"},
		{"french headline and standfirst", "Paris accueille le sommet sur le climat. Les dirigeants de cinquante pays sont attendus dans la capitale.", "fr"},

		// Latin but neither: undecided, laid out as the site is.
		{"spanish", "El presidente del gobierno anunció el martes que las medidas para los agricultores entrarán en vigor con el nuevo año, según fuentes oficiales.", ""},
		{"german", "Die Bundesregierung hat am Dienstag beschlossen, dass die neuen Regeln für Landwirte ab dem kommenden Jahr gelten und nicht verschoben werden.", ""},
		{"too short", "Breaking news", ""},
		{"names only", "Apple Microsoft Google Amazon Nvidia Tesla", ""},
		{"half and half", "The ministry said on Monday that the talks would continue next week. وقالت الوزارة يوم الاثنين إن المحادثات ستستمر الأسبوع المقبل في العاصمة.", ""},
		{"empty", "", ""},
	} {
		if got := markup.DetectLanguage(c.text); got != c.want {
			t.Errorf("%s: DetectLanguage(%q) = %q, want %q", c.name, c.text, got, c.want)
		}
	}
	// Parts are words apart: "the" + "and" joined would be one word.
	if got := markup.DetectLanguage("Markets rally after the decision", "Stocks rose sharply and the dollar fell."); got != "en" {
		t.Errorf("parts: %q, want en", got)
	}
}

// benchBody is about 5 KB of English text, an article's worth.
var benchBody = strings.Repeat("Oil prices rose sharply on Thursday after the producers' cartel said it would extend output cuts into the second half of the year. ", 40)[:5000]

// benchArabic is about 5 KB of Arabic text quoting a few Latin names.
var benchArabic = strings.Repeat("حذرت وكالة UN-Water من موجة جفاف، وقال مدير البرنامج إن الوضع يزداد سوءًا. ", 40)[:5000]

func BenchmarkDetectLanguage(b *testing.B) {
	for _, c := range []struct{ name, text string }{{"english", benchBody}, {"arabic", benchArabic}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				markup.DetectLanguage("Oil prices rise", c.text)
			}
		})
	}
}
