// Package arabic owns Sahafa's text analysis for Arabic news:
// normalization, tokenizing with byte offsets, light stemming, stop words,
// URL slugs, digit styles and Hijri/Gregorian dates.
//
// One analyzer serves both index time and query time. The stores (SQLite
// FTS5, PostgreSQL tsvector) index the space-joined output of [Terms] and
// match queries analyzed the same way, so every rule here decides what a
// reader can find. Highlights are drawn through [Token.Start]/[Token.End],
// which always point into the reader's original text (diacritics, tatweel
// and all).
//
// # Pipeline
//
//	raw text ─► words (Tokenize: letters + combining marks + tatweel, digits)
//	         ─► fold (strip tashkeel/tatweel, أ إ آ ٱ→ا, ؤ ئ→ء, ى→ي, ة→ه,
//	             ٠-٩ ۰-٩→0-9, Latin lower-case)
//	         ─► stop words ─► light stem (Arabic) or Porter (Latin)
//
// # Why our own rules rather than bleve's analysis/lang/ar
//
// bleve's Arabic filters implement Lucene's normalizer and light stemmer
// (Larkey's "light10"). We follow the same ideas but do not call them:
//
//   - they work on []byte tokens converted to []rune and back (several
//     allocations per word) and do not keep offsets; our hot path folds into
//     one shared buffer per call and stems by slicing it, so Analyze runs at
//     several million words per second;
//   - the normalizer does not fold digits, ؤ/ئ, ٱ, Persian letters or
//     presentation forms;
//   - the stemmer strips a single prefix from a fixed list (ال وال بال كال
//     فال لل و), so "وبالعراق", "بلبنان", "لمصر", "فقال" keep their clitics
//     and miss "العراق", "لبنان", "مصر", "قال".
//
// Our stemmer strips proclitics one at a time (ال, لل, و ف ب ك ل) and
// repeats, so that stem(c+w) == stem(w) for every clitic c: a reader's
// variants agree (consistency over linguistic perfection). A single-letter
// clitic is stripped only when at least three letters remain, "ال" only when
// two remain. Because a word that merely begins with و/ف/ب/ك/ل ("وزير",
// "لبنان", "فلسطين", "كتاب") would otherwise lose its first radical, a small
// exclusion list of frequent news words keeps its initial letter; the rule
// is checked at every step, so "والوزير", "الوزير" and "وزير" all stop at
// "وزير". Words not on the list still match all their prefixed variants;
// they just share a shorter stem.
//
// Suffixes are stripped in three ordered steps, each at most once and each
// keeping a stem of at least three letters: (1) a pronoun or adverbial
// ending (هما هم ها ه وا ا; ه doubles as folded ة), with a ت left bare by a
// pronoun treated as taa marbuta ("حكومتها" = "حكومة"); (2) a plural or
// dual ending (تين تان ات ون ين ان); (3) the nisba ي ("أمريكي" =
// "أمريكية" = "الأمريكيين" = "أمريكا"). A second short list names words whose
// ending is part of the stem ("برلمان", "قانون", "مليون", "فلسطين").
//
// ؤ and ئ fold to ء rather than to و/ي: in news text the real variation is
// the carrier (Egyptian مسئول/شئون against مسؤول/شؤون, 2–5 % of occurrences
// in the ANT corpus), while hamza-less spellings (مسوول) are almost absent.
// Folding both carriers to one letter unites the two orthographies; folding
// to و/ي would keep them apart.
//
// Latin words are lower-cased and Porter-stemmed
// (github.com/blevesearch/go-porterstemmer, already a bleve dependency).
// A Latin or digit run followed by "-" and a digit stays one word
// ("COVID-19" → "covid19", "F-16" → "f16"); letters and digits touching
// stay together ("5G" → "5g"); Arabic letters and digits are split
// ("عام2018" → "عام", "2018").
package arabic
