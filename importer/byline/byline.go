// Package byline reads the raw credit lines of Arabic news stories
// ("ياسر رشاد - القاهرة", "لندن: «الشرق الأوسط»", "&nbsp;واس (جدة)") into
// authors, a dateline and an agency. It decides which part is a place, which
// an outlet and which a person with a gazetteer of its own and the shape of
// the parts; it never returns a city or an agency as an author.
package byline

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Byline is a parsed credit line.
type Byline struct {
	Authors  []string // people, at most MaxAuthors, as written
	Dateline string   // the city the story was filed from
	Agency   string   // agencies and outlets, joined with "، "
}

// MaxAuthors bounds the authors of one byline.
const MaxAuthors = 4

// maxRaw bounds the input Parse looks at; real bylines are far shorter.
const maxRaw = 1024

// Parse reads a raw byline. Parts it cannot place are dropped, so the
// result may be empty; it never fails.
func Parse(raw string) Byline {
	b, _ := parse(raw, false)
	return b
}

// ParseLine reads a line that may be a byline standing on its own in a
// page. It reports true only when every part of the line is recognized (a
// name, a place, an agency or a credit word such as "بواسطة") and the line
// holds a place or an agency, or a credit word and a name; ordinary short
// sentences give false.
func ParseLine(line string) (Byline, bool) {
	if utf8.RuneCountInString(line) > 160 {
		return Byline{}, false
	}
	return parse(line, true)
}

// SplitLead splits an inline byline from the start of a story's first
// paragraph: "ياسر رشاد - القاهرة - أفادت مصادر ..." gives the byline of
// "ياسر رشاد - القاهرة" and "أفادت مصادر ...". It reports false, and
// returns the paragraph unchanged, unless the leading parts are all names,
// places or agencies and at least one is a place or an agency.
func SplitLead(paragraph string) (Byline, string, bool) {
	const maxPrefixRunes = 100
	var (
		best     Byline
		bestRest string
		found    bool
		seps     int
		runes    int
	)
	for i, r := range paragraph {
		runes++
		if runes > maxPrefixRunes || seps >= 6 {
			break
		}
		var cut, next int
		switch {
		case isDash(r) || r == tatweel:
			prevSpace := i == 0 || isSpaceBefore(paragraph, i)
			nextSpace := isSpaceAfter(paragraph, i+utf8.RuneLen(r))
			if !prevSpace && !nextSpace {
				continue
			}
			if r == tatweel && !prevSpace {
				continue // a stretched letter, not a dash
			}
			cut, next = i, i+utf8.RuneLen(r)
		case r == ':' || r == '：':
			cut, next = i, i+utf8.RuneLen(r)
		case r == ')':
			cut, next = i+1, i+1
		default:
			continue
		}
		seps++
		prefix := paragraph[:cut]
		rest := strings.TrimLeftFunc(paragraph[next:], func(r rune) bool {
			return unicode.IsSpace(r) || isDash(r) || r == ':' || r == tatweel
		})
		if len(words(rest)) < 3 {
			continue
		}
		if first, _ := utf8.DecodeRuneInString(rest); !unicode.IsLetter(first) && !isQuote(first) {
			continue
		}
		if b, ok := parse(prefix, true); ok {
			best, bestRest, found = b, rest, true
		}
	}
	if !found {
		return Byline{}, paragraph, false
	}
	return best, bestRest, true
}

func isSpaceBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r)
}

func isSpaceAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

func isDash(r rune) bool {
	switch r {
	case '-', '–', '—', '‒', '―', '−', '‐':
		return true
	}
	return false
}

func isQuote(r rune) bool {
	switch r {
	case '"', '\'', '«', '»', '“', '”', '‘', '’', '„':
		return true
	}
	return false
}

// item kinds
const (
	itPerson = iota
	itCity
	itAgency
	itBoth // a city or an outlet: resolved after all items are known
	itRole
	itMaybeCity // an unknown single word next to a name: likely a small town
	itUnknown
)

type item struct {
	kind       int
	text       string
	quoted     bool
	paren      bool
	colonAfter bool
	fromMin    bool // introduced by "من": "«الاقتصادية» من الرياض"
}

type segment struct {
	text       string
	paren      bool
	colonAfter bool
}

func parse(raw string, strict bool) (Byline, bool) {
	if len(raw) > maxRaw {
		raw = raw[:maxRaw]
		for !utf8.ValidString(raw) && len(raw) > 0 {
			raw = raw[:len(raw)-1]
		}
	}
	s := clean(raw)
	var items []item
	for _, sg := range split(s) {
		items = classifySegment(items, sg)
	}
	return resolve(items, strict)
}

// clean decodes HTML entities, turns every kind of space into one space,
// drops bidi controls, reads a free-standing tatweel run ("القاهرة ـ أحمد")
// as a dash and drops the tatweel inside words ("أبهــا"), and cuts the
// photographer's credit ("تصوير - …").
func clean(raw string) string {
	if strings.IndexByte(raw, '&') >= 0 {
		raw = html.UnescapeString(raw)
	}
	rs := []rune(raw)
	var b strings.Builder
	b.Grow(len(raw))
	space := true // collapse leading spaces
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == tatweel:
			j := i
			for j < len(rs) && rs[j] == tatweel {
				j++
			}
			before := i == 0 || unicode.IsSpace(rs[i-1])
			after := j == len(rs) || unicode.IsSpace(rs[j])
			if before || after {
				b.WriteString(" - ")
				space = true
			}
			i = j - 1
		case r == 0xFEFF, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
			r >= 0x2066 && r <= 0x2069, r == utf8.RuneError:
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if !space {
				b.WriteByte(' ')
				space = true
			}
		default:
			b.WriteRune(r)
			space = false
		}
	}
	s := strings.TrimSpace(b.String())
	if i := wordIndex(s, "تصوير"); i >= 0 {
		s = s[:i]
	}
	return s
}

// wordIndex finds w in s where it starts a word.
func wordIndex(s, w string) int {
	off := 0
	for {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return -1
		}
		i += off
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		if i == 0 || !unicode.IsLetter(r) {
			return i
		}
		off = i + len(w)
	}
}

func isSep(r rune) bool {
	if isDash(r) {
		return true
	}
	switch r {
	case ':', '：', '|', '/', '\\', '،', ',', ';', '؛', '(', ')', '[', ']', '+', '•', '·':
		return true
	}
	return false
}

// split cuts a cleaned byline at its separators; text in parentheses makes
// segments of its own, marked as such.
func split(s string) []segment {
	var (
		segs  []segment
		start int
		paren bool
	)
	flush := func(end int, sep rune) {
		t := strings.TrimSpace(s[start:end])
		if t != "" {
			segs = append(segs, segment{text: t, paren: paren})
		}
		if sep == ':' || sep == '：' {
			if n := len(segs); n > 0 && t != "" {
				segs[n-1].colonAfter = true
			}
		}
	}
	for i, r := range s {
		if !isSep(r) {
			continue
		}
		flush(i, r)
		start = i + utf8.RuneLen(r)
		switch r {
		case '(', '[':
			paren = true
		case ')', ']':
			paren = false
		}
	}
	flush(len(s), 0)
	// a colon that ends the byline says nothing
	if n := len(segs); n > 0 {
		segs[n-1].colonAfter = false
	}
	return segs
}

func trimPunct(s string) (string, bool) {
	quoted := strings.ContainsAny(s, "«»\"“”")
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || isQuote(r) || strings.ContainsRune("*٭.!؟?…", r)
	})
	return s, quoted
}

func classifySegment(items []item, sg segment) []item {
	base := item{paren: sg.paren, colonAfter: sg.colonAfter}
	return classifyText(items, sg.text, base, 0)
}

func classifyText(items []item, t string, base item, depth int) []item {
	t = strings.TrimSpace(t)
	if t == "" || depth > 8 {
		return items
	}
	ws := words(t)
	// a credit word opening the segment: "بواسطة", "كتب", "بقلم"
	for n := min(3, len(ws)); n >= 1; n-- {
		if roleKeys[key(strings.Join(ws[:n], " "))] {
			it := base
			it.kind, it.text = itRole, strings.Join(ws[:n], " ")
			items = append(items, it)
			return classifyText(items, strings.Join(ws[n:], " "), base, depth+1)
		}
	}
	// "Name من City", "«Outlet» من City"
	if len(ws) >= 3 {
		for i := len(ws) - 2; i >= 1; i-- {
			if ws[i] != "من" {
				continue
			}
			right := strings.Join(ws[i+1:], " ")
			rt, _ := trimPunct(right)
			if lookup(rt)&kindCity != 0 {
				items = classifyText(items, strings.Join(ws[:i], " "), base, depth+1)
				it := base
				it.kind, it.text, it.fromMin = itCity, rt, true
				return append(items, it)
			}
		}
	}
	// "Name1 و Name2", "العربية.نت ووكالات"
	for i := 1; i < len(ws); i++ {
		w := ws[i]
		if w == "و" && i < len(ws)-1 {
			items = classifyText(items, strings.Join(ws[:i], " "), base, depth+1)
			return classifyText(items, strings.Join(ws[i+1:], " "), base, depth+1)
		}
		if strings.HasPrefix(w, "و") && len(w) > len("و") {
			right := strings.TrimPrefix(w, "و")
			if i < len(ws)-1 {
				right += " " + strings.Join(ws[i+1:], " ")
			}
			rt, _ := trimPunct(right)
			left, _ := trimPunct(strings.Join(ws[:i], " "))
			if lookup(rt) != kindNone && (lookup(left) != kindNone || isPersonName(left)) {
				items = classifyText(items, strings.Join(ws[:i], " "), base, depth+1)
				return classifyText(items, right, base, depth+1)
			}
		}
	}
	return append(items, classifyUnit(t, base)...)
}

func classifyUnit(t string, base item) []item {
	u, quoted := trimPunct(t)
	it := base
	it.text, it.quoted = u, quoted
	if u == "" {
		return nil
	}
	switch lookup(u) {
	case kindBoth:
		it.kind = itBoth
		return []item{it}
	case kindAgency:
		it.kind = itAgency
		return []item{it}
	case kindCity:
		it.kind = itCity
		return []item{it}
	}
	if hasAgencyPrefix(u) {
		it.kind = itAgency
		if ws := words(u); key(ws[0]) == key("مكتب") || key(ws[0]) == key("كلمة") {
			it.text = strings.Join(ws[1:], " ")
		}
		return []item{it}
	}
	ws := words(u)
	// two parts run together without a separator: "حمزة مصطفى البصرة",
	// "أ. ف. ب. إسطنبول", "ساو باولو البرازيل"; at least one part must be
	// in the gazetteer, and the other a name or in the gazetteer too
	if len(ws) >= 2 && len(ws) <= 8 {
		bestCut, bestScore := 0, 0
		for cut := 1; cut < len(ws); cut++ {
			left, right := strings.Join(ws[:cut], " "), strings.Join(ws[cut:], " ")
			lk, rk := lookup(left), lookup(right)
			score := 0
			switch {
			case lk != kindNone && rk != kindNone:
				score = 2
			case lk != kindNone && isPersonName(right), rk != kindNone && isPersonName(left):
				score = 1
			}
			if score > bestScore {
				bestCut, bestScore = cut, score
			}
		}
		if bestScore > 0 {
			left := classifyUnit(strings.Join(ws[:bestCut], " "), base)
			return append(left, classifyUnit(strings.Join(ws[bestCut:], " "), base)...)
		}
	}
	if isPersonName(u) {
		it.kind = itPerson
		return []item{it}
	}
	if len(ws) == 1 && isPlainWord(u) && !isStop(u, key(u)) && utf8.RuneCountInString(u) >= 2 && isArabic(u) {
		it.kind = itMaybeCity
		return []item{it}
	}
	it.kind = itUnknown
	return []item{it}
}

func isArabic(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Arabic, r) {
			return false
		}
	}
	return true
}

// isPlainWord reports whether w is letters only, with dots or apostrophes
// for initials ("أ.د", "O'Neil").
func isPlainWord(w string) bool {
	letters := 0
	for _, r := range w {
		switch {
		case unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || r == tatweel:
			letters++
		case r == '.' || r == '\'' || r == '’':
		default:
			return false
		}
	}
	return letters > 0
}

// isPersonName reports whether s has the shape of a person's name: two to
// four name words (titles such as "د." and particles such as "بن", "آل",
// "عبد" not counted), letters only, and none of the words a sentence, a
// place or an outlet is made of.
func isPersonName(s string) bool {
	ws := words(s)
	if len(ws) < 2 || len(ws) > 7 || lookup(s) != kindNone {
		return false
	}
	for _, w := range ws {
		if !isPlainWord(w) {
			return false
		}
	}
	for len(ws) > 0 && titleKeys[key(ws[0])] {
		ws = ws[1:]
	}
	count := 0
	for _, w := range ws {
		if !isPlainWord(w) {
			return false
		}
		k := key(w)
		if k == "" || isStop(w, k) || roleKeys[k] {
			return false
		}
		if particleKey[k] {
			continue
		}
		if places[k]&kindAgency != 0 && places[k]&kindCity == 0 && len(ws) <= 2 {
			return false // "أحمد رويترز" is not a name
		}
		count++
	}
	return count >= 2 && count <= 4 || (count == 1 && len(ws) >= 2 && hasParticle(ws))
}

func hasParticle(ws []string) bool {
	for _, w := range ws[:len(ws)-1] {
		if particleKey[key(w)] {
			return true
		}
	}
	return false
}

func resolve(items []item, strict bool) (Byline, bool) {
	hasCity := false
	for _, it := range items {
		if it.kind == itCity {
			hasCity = true
		}
	}
	// both a city and an outlet ("الرياض", "المدينة")
	others := 0
	for _, it := range items {
		if it.kind == itPerson || it.kind == itAgency || it.kind == itCity {
			others++
		}
	}
	lastBoth := -1
	for i := range items {
		it := &items[i]
		if it.kind != itBoth {
			continue
		}
		switch {
		case it.quoted:
			it.kind = itAgency
		case it.fromMin || it.colonAfter:
			it.kind = itCity
			hasCity = true
		case it.paren && i > 0 && (items[i-1].kind == itAgency || items[i-1].kind == itPerson):
			it.kind = itCity
			hasCity = true
		default:
			lastBoth = i
		}
	}
	for i := range items {
		it := &items[i]
		if it.kind != itBoth {
			continue
		}
		if !hasCity && i == lastBoth && (others > 0 || countBoth(items) > 1) {
			it.kind = itCity
		} else {
			it.kind = itAgency
		}
	}

	var b Byline
	var agencies []string
	seenA := map[string]bool{}
	seenP := map[string]bool{}
	hit, role, person, bad := false, false, false, false
	for _, it := range items {
		switch it.kind {
		case itCity:
			hit = true
			if b.Dateline == "" {
				b.Dateline = it.text
			}
		case itAgency:
			hit = true
			if k := key(it.text); !seenA[k] {
				seenA[k] = true
				agencies = append(agencies, it.text)
			}
		case itPerson:
			person = true
			if k := key(it.text); !seenP[k] && len(b.Authors) < MaxAuthors {
				seenP[k] = true
				b.Authors = append(b.Authors, it.text)
			}
		case itRole:
			role = true
		case itMaybeCity, itUnknown:
			bad = true
		}
	}
	if b.Dateline == "" && !strict && (person || len(agencies) > 0) {
		for _, it := range items {
			if it.kind == itMaybeCity {
				b.Dateline = it.text
				break
			}
		}
	}
	b.Agency = strings.Join(agencies, "، ")
	ok := !bad && (hit || role && person)
	if strict && !ok {
		return Byline{}, false
	}
	return b, ok
}

func countBoth(items []item) int {
	n := 0
	for _, it := range items {
		if it.kind == itBoth {
			n++
		}
	}
	return n
}

// isStop reports whether word w (whose key is k) is a stop word.
func isStop(w, k string) bool { return stopKeys[k] || w == "على" }
