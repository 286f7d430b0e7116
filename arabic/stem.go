package arabic

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// Affixes in folded form (see Normalize). Arabic letters are two bytes.
var (
	alLam   = []byte("ال")
	lamLam  = []byte("لل")
	teh     = []byte("ت")
	yeh     = []byte("ي")
	suffPro = [][]byte{[]byte("هما"), []byte("هم"), []byte("ها"), []byte("ه"), []byte("وا"), []byte("ا")}
	suffPl  = [][]byte{[]byte("تين"), []byte("تان"), []byte("ات"), []byte("ون"), []byte("ين"), []byte("ان")}
)

// isClitic reports whether the two bytes start one of و ف ب ك ل.
func isClitic(b0, b1 byte) bool {
	switch {
	case b0 == 0xD9:
		return b1 == 0x88 || b1 == 0x81 || b1 == 0x83 || b1 == 0x84 // و ف ك ل
	case b0 == 0xD8:
		return b1 == 0xA8 // ب
	}
	return false
}

// Minimum letters left by stripping.
const (
	minAfterArticle = 2 // "اليد" → "يد"
	minAfterClitic  = 3 // "وقال" → "قال", but "بلد" stays
	minStem         = 3 // every suffix rule
)

// keepInitial lists frequent news words whose first letter (و ف ب ك ل) or
// initial "ال" is a radical, not a clitic. The stemmer stops stripping
// prefixes as soon as the word, with its suffixes stripped, has one of
// these stems, so "وزير", "الوزير", "والوزير", "للوزير" all give "وزير"
// instead of "زير". Words absent from the list still match their variants;
// the list only keeps their stems from colliding with other words.
var keepInitial = stemSet(
	// و
	"وزير", "وزراء", "وزارة", "وطن", "وقت", "أوقات", "وضع", "أوضاع", "وفد", "وكالة", "ولاية", "ولايات",
	"واشنطن", "وثيقة", "وثائق", "وصول", "وسط", "وسائل", "وفاة", "وقف", "واقع", "واضح", "واحد", "واحدة",
	"والد", "والدة", "والي", "وجه", "وجود", "وحدة", "ورقة", "وظيفة", "وعد", "ولد", "وكيل", "وادي",
	"ورشة", "وراء", "وزن", "وسام", "وقود", "وقائع", "ولادة", "ولي", "ويلز", "واردات", "وفق", "وحيد",
	"واسع", "وظائف", "وقع", "وقعت", "وقوع", "واصل", "وصف", "وتيرة", "وليد", "وجد", "ودي", "وسيط",
	// ف
	"فلسطين", "فرنسا", "فريق", "فرق", "فترة", "فيلم", "أفلام", "فوز", "فكرة", "أفكار", "فرصة", "فرص",
	"فصل", "فرع", "فرد", "أفراد", "فقر", "فساد", "فندق", "فنان", "فن", "فعل", "فعالية", "فضاء", "فيروس",
	"فيديو", "فنزويلا", "فلوريدا", "فيسبوك", "فتح", "فرض", "فقرة", "فئة", "فائدة", "فتاة", "فتيات", "فريد",
	"فلاح", "فارس", "فبراير", "فني", "فيفا", "فارق", "فرانس", "فضل", "فلاديمير", "فائز", "فائض", "فيصل",
	"فلبين", "فالنسيا", "فوري", "فؤاد", "فاعل", "فترات", "فرضت",
	// ب
	"بلد", "بلاد", "بلدان", "بلدية", "بيان", "برنامج", "برامج", "بريطانيا", "بنك", "بنوك", "بحر", "بحث",
	"بحوث", "بيت", "بيوت", "بطولة", "بيروت", "بغداد", "بوتين", "بلينكن", "برلمان", "بايدن", "بكين",
	"برلين", "بروكسل", "باريس", "بنغازي", "بيئة", "بطل", "بداية", "بديل", "بناء", "بعثة", "بورصة",
	"بترول", "بنية", "بشر", "بشار", "برشلونة", "بيع", "باب", "بنت", "بلوغ", "بحرين", "باكستان", "برازيل",
	"بولندا", "بلجيكا", "بوريس", "بابا", "بند", "بنود", "بريد", "بطاقة", "بطالة", "بئر", "بدأ", "بدأت",
	"بايرن", "بلغ", "بلغت", "بدل", "بدلاء", "بيونغ", "بالغ", "برتغال", "بيضاء", "بقاء", "بومبيو", "بعيد",
	"بريكست", "بوابة", "باقي", "بضائع", "بنيامين", "بشير", "بوفون", "بيكيه", "باتت",
	"باليستي", "بالستي", "بيرو", "بقية",
	// ك
	"كتاب", "كتب", "كأس", "كبير", "كبار", "كلمة", "كرة", "كورونا", "كوريا", "كندا", "كلية", "كمية",
	"كهرباء", "كارثة", "كفاءة", "كنيسة", "كويت", "كردستان", "كرملين", "كيان", "كاتب", "كشف", "كلب",
	"كريم", "كمال", "كامل", "كيلو", "كيلومتر", "كثير", "كافة", "كبرى", "كانون", "كشفت", "كون",
	"كريستيانو", "كيماوي", "كيمياوي", "كرواتيا", "كافي", "كلوب", "كييف", "كلام", "كتالونيا",
	// ل
	"لبنان", "لجنة", "لجان", "لقاء", "لاعب", "ليبيا", "لندن", "لحظة", "لغة", "لحم", "لوحة", "لائحة",
	"ليلة", "ليالي", "لقب", "لون", "لقاح", "لاجئ", "لاجئين", "لواء", "لاهاي", "ليفربول", "لوس",
	"لافت", "لعبة", "لعب", "لازم", "لجوء", "ليونيل", "لويس", "لاحق", "لاتيني", "لافروف", "ليبرالي",
	// ال as part of the word
	"ألمانيا", "آلاف", "آلية", "آلة", "الله", "إلغاء", "التزام", "التزامات", "ألبانيا",
)

// keepEnding lists words whose final letters look like a suffix but belong
// to the stem, so no suffix is stripped from them.
var keepEnding = wordSet(
	"برلمان", "إنسان", "ميدان", "طيران", "عنوان", "سلطان", "ديوان", "رمضان", "إعلان", "عدوان",
	"بركان", "ضمان", "ميزان", "طهران", "لبنان", "إيران", "سودان", "يابان", "باكستان", "أفغانستان",
	"كردستان", "أذربيجان", "نيسان", "حزيران", "تشرين", "كانون", "فلسطين", "بحرين", "بوتين", "تأمين",
	"تعيين", "قانون", "مليون", "تلفزيون", "زيتون", "ليمون", "بلينكن", "بكين", "برلين", "واشنطن",
	"الله", "ثبات", "إثبات", "أصوات", "بيروت", "مؤتمر", "تعاون", "حيوان", "شيطان",
	// names and places whose ان is part of the word: "الجولان" must not
	// become جول (جولة), nor سلمان سلم (peace)
	"جولان", "سلمان", "عثمان", "شعبان", "حمدان", "عدنان", "سفيان", "مروان", "عمران", "غسان",
	"رضوان", "طوفان", "إيمان", "لقمان", "كيان", "عمان", "تطوان", "أصفهان", "هرمان", "سليمان",
)

func wordSet(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		m[Normalize(w)] = struct{}{}
	}
	return m
}

// stemSet holds the suffix-stripped stems of words; it is built after
// keepEnding (package-level initialization follows dependencies).
func stemSet(words ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(words))
	for _, w := range words {
		b := []byte(Normalize(w))
		m[string(b[:stripSuffixes(b)])] = struct{}{}
	}
	return m
}

func runeCount(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
}

// stripSuffixes returns the length of w's stem after suffix stripping.
func stripSuffixes(w []byte) int {
	n := runeCount(w)
	if n <= minStem {
		return len(w)
	}
	if _, ok := keepEnding[string(w)]; ok {
		return len(w)
	}
	pron := false
	for i, suf := range suffPro {
		k := runeCount(suf)
		if n-k >= minStem && bytes.HasSuffix(w, suf) {
			w = w[:len(w)-len(suf)]
			n -= k
			pron = i < 4 // هما هم ها ه, not وا ا
			if _, ok := keepEnding[string(w)]; ok {
				return len(w)
			}
			break
		}
	}
	plural := false
	for _, suf := range suffPl {
		k := runeCount(suf)
		if n-k >= minStem && bytes.HasSuffix(w, suf) {
			w = w[:len(w)-len(suf)]
			n -= k
			plural = true
			break
		}
	}
	// A pronoun after taa marbuta leaves a bare ت: "حكومتها" → "حكومت" → "حكوم".
	if pron && !plural && n-1 >= minStem && bytes.HasSuffix(w, teh) {
		w = w[:len(w)-len(teh)]
		n--
	}
	// Nisba: "أمريكي", "أمريكيون" → "امريك".
	if n-1 >= minStem && bytes.HasSuffix(w, yeh) {
		if _, ok := keepEnding[string(w)]; !ok {
			w = w[:len(w)-len(yeh)]
		}
	}
	return len(w)
}

// stem returns the stem of a folded Arabic word as w[lo:hi].
func stem(w []byte) (lo, hi int) {
	if string(w) == "الله" {
		return 0, len(w)
	}
	for {
		n := stripSuffixes(w[lo:])
		if _, ok := keepInitial[string(w[lo:lo+n])]; ok {
			return lo, lo + n
		}
		rest := w[lo:]
		letters := runeCount(rest)
		switch {
		case letters-2 >= minAfterArticle && bytes.HasPrefix(rest, alLam):
			lo += 4
		case letters-2 >= minAfterArticle && bytes.HasPrefix(rest, lamLam):
			// ل + ال with the alef elided ("للوزير"), unless ل + a word
			// that begins with ل ("للبنان").
			if m := stripSuffixes(rest[2:]); isKeepInitial(rest[2 : 2+m]) {
				lo += 2
			} else {
				lo += 4
			}
		case letters-1 >= minAfterClitic && isClitic(rest[0], rest[1]) && !kafBeforeName(rest):
			lo += 2
		default:
			return lo, lo + n
		}
	}
}

// kafBeforeName reports whether w starts with ك not followed by the
// article. ك "as, like" attaches mostly to definite nouns (كالعادة), while
// many names begin with ك (كافانو, كوشنر, كيري): stripping it there would
// merge unrelated words, so only كال… loses its ك.
func kafBeforeName(w []byte) bool {
	return w[0] == 0xD9 && w[1] == 0x83 && !bytes.HasPrefix(w[2:], alLam)
}

func isKeepInitial(b []byte) bool {
	_, ok := keepInitial[string(b)]
	return ok
}

// Stem returns the light stem of a single word after folding it as
// Normalize does; it does not check stop words. Use AnalyzeTerm for the
// index term of a word.
func Stem(word string) string {
	b := []byte(strings.ReplaceAll(Normalize(word), " ", ""))
	if len(b) == 0 || !utf8.Valid(b) {
		return string(b)
	}
	if r, _ := utf8.DecodeRune(b); kindOf(r) != kArabic {
		return string(b)
	}
	lo, hi := stem(b)
	return string(b[lo:hi])
}
