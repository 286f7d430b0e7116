package arabic

import "unicode/utf8"

// arabicStop holds function words, in folded form, with the clitic
// combinations news text uses most. Two are deliberately absent because
// folding merges them with content words readers search for: "على" (→ علي,
// the name Ali) and "وإلى" (→ والي, governor).
var arabicStop = wordSet(
	"من", "ومن", "فمن", "مما", "ممن", "منه", "منها", "منهم", "منهما",
	"في", "وفي", "ففي", "فيه", "فيها", "فيهم", "فيما", "وفيما",
	"إلى", "إليه", "إليها", "إليهم",
	"عليه", "عليها", "عليهم",
	"عن", "وعن", "عنه", "عنها", "عنهم",
	"مع", "ومع", "معه", "معها", "معهم",
	"أن", "وأن", "فأن", "بأن", "لأن", "أنه", "أنها", "وأنه", "وأنها", "بأنه", "بأنها", "لأنه", "لأنها", "أنهم",
	"إن", "وإن", "فإن", "إنه", "إنها", "إنهم",
	"ما", "وما", "فما", "كما", "بما", "لما", "ولما",
	"لم", "ولم", "فلم", "لن", "ولن", "لا", "ولا", "فلا", "إلا", "ألا",
	"أو", "أم", "ثم", "قد", "وقد", "فقد", "لقد", "ولقد",
	"هو", "وهو", "فهو", "هي", "وهي", "فهي", "هم", "وهم", "هما", "هن",
	"نحن", "أنا", "أنت", "أنتم",
	"هذا", "وهذا", "هذه", "وهذه", "هذين", "هاتين", "ذلك", "وذلك", "لذلك", "بذلك", "كذلك", "تلك", "وتلك",
	"هؤلاء", "أولئك", "هنا", "هناك", "وهناك", "ثمة",
	"الذي", "التي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللواتي", "اللاتي", "والذي", "والتي",
	"كان", "وكان", "كانت", "وكانت", "كانوا", "يكون", "تكون", "ليس", "ليست",
	"كل", "وكل", "بكل", "لكل", "بعض", "غير", "بين", "وبين", "حيث", "حتى", "إذا", "إذ", "لو", "لكن", "ولكن",
	"أي", "أية", "أيضا", "عند", "عندما", "منذ", "خلال", "بعد", "وبعد", "قبل", "وقبل", "لدى",
	"له", "لها", "لهم", "به", "بها", "بهم", "أما", "إما", "نحو", "ضمن", "عبر", "ذات", "لدي",
	"يا", "بل", "كي", "لكي", "سوف", "بينما", "بعدما", "لكنه", "لكنها", "لكننا", "ولكنه", "ولكنها",
	"لماذا", "لدينا", "لديه", "لديها", "لديهم", "لاسيما", "بعضها", "بعضهم", "وكذلك", "لهذا", "بهذا",
	"لهذه", "بهذه", "وليس", "وحتى", "وإذا", "وهكذا", "هكذا", "ومنها", "ومنذ", "وعند", "وعندما",
	"إنما", "وإنما", "ربما", "وربما", "فإنه", "فإنها", "وأيضا", "بينهم", "بينها", "بينهما", "بعدها", "بعده",
)

// englishStop holds the few English function words worth dropping.
var englishStop = wordSet(
	"a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
	"no", "not", "of", "on", "or", "s", "such", "that", "the", "their", "then", "there", "these",
	"they", "this", "to", "was", "will", "with",
)

// maxStopBytes bounds the byte length of any stop word, for a cheap
// pre-check before the map lookup.
var maxStopBytes = func() int {
	m := 0
	for w := range arabicStop {
		m = max(m, len(w))
	}
	for w := range englishStop {
		m = max(m, len(w))
	}
	return m
}()

// IsStopWord reports whether a normalized term (as Normalize returns it
// for one word) is a stop word: an Arabic function word, a single Arabic
// letter (a detached clitic or abbreviation such as "م" after a year), or
// an English function word.
func IsStopWord(normalizedTerm string) bool {
	if len(normalizedTerm) > maxStopBytes || normalizedTerm == "" {
		return false
	}
	if r, n := utf8.DecodeRuneInString(normalizedTerm); n == len(normalizedTerm) && kindOf(r) == kArabic {
		return true
	}
	if _, ok := arabicStop[normalizedTerm]; ok {
		return true
	}
	_, ok := englishStop[normalizedTerm]
	return ok
}
