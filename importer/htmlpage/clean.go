package htmlpage

import (
	"html"
	"regexp"
	"strings"

	"sahafa/importer/byline"
)

// chromeLabels are whole blocks of page furniture that extraction libraries
// let through on Arabic pages: ad labels, share and print buttons, comment
// forms, tag lists. They are compared in norm form, without a trailing
// colon.
var chromeLabels = map[string]bool{}

// relatedLabels open a block of links to other stories.
var relatedLabels = []string{}

func init() {
	for _, s := range []string{
		"إعلان", "إعلانات", "اعلان تجاري", "مساحة إعلانية", "advertisement", "advertisements", "ads", "sponsored", "محتوى مدفوع",
		"شارك", "شارك الخبر", "شارك المقال", "شارك هذا المقال", "شارك هذا الخبر", "مشاركة", "شارك على", "المشاركة",
		"share", "share this", "share this article", "tweet", "فيسبوك", "تويتر", "واتساب", "تيليجرام", "لينكدإن",
		"طباعة", "print", "أرسل لصديق", "إرسال لصديق", "البريد الإلكتروني", "نسخ الرابط", "انسخ الرابط", "رابط مختصر",
		"تابعنا", "تابعونا", "تابعنا على", "تابعونا على", "تابعوا", "follow us",
		"التعليقات", "تعليقات", "تعليق", "أضف تعليق", "أضف تعليقك", "إضافة تعليق", "إضافة تعليق جديد", "اترك تعليقا", "اترك تعليقاً",
		"comments", "leave a comment", "add comment", "لا توجد تعليقات", "كن أول من يعلق",
		"الكلمات المفتاحية", "كلمات مفتاحية", "الوسوم", "وسوم", "tags", "مواضيع", "المصدر",
		"حجم الخط", "تكبير الخط", "تصغير الخط", "a a", "a+ a-", "+ -",
	} {
		chromeLabels[norm(s)] = true
	}
	for _, s := range []string{
		"اقرأ أيضا", "اقرأ أيضاً", "إقرأ أيضا", "اقرأ ايضا", "قد تقرأ أيضا", "اقرأ المزيد", "اقرأ كذلك", "شاهد أيضا",
		"طالع أيضا", "للمزيد", "المزيد من", "مواضيع ذات صلة", "أخبار ذات صلة", "مقالات ذات صلة", "ذات صلة",
		"أخبار متعلقة", "مواضيع متعلقة", "قد يهمك", "قد يهمك أيضا", "قد يعجبك", "قد يعجبك أيضا", "اخترنا لك",
		"الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا", "أخبار أخرى", "آخر الأخبار", "مواضيع ساخنة",
		"مواضيع ساخنة أخرى", "أخبار مقترحة", "مقالات مقترحة", "موضوعات مقترحة", "read more", "read also",
		"related", "related articles", "related news", "you may also like", "more stories", "see also",
	} {
		relatedLabels = append(relatedLabels, norm(s))
	}
}

// labelForm is how a block's text is compared with the labels: norm form
// without surrounding punctuation.
func labelForm(s string) string {
	return strings.Trim(norm(s), " :：.-–—|»«\"'()[]•·*#…")
}

func isChrome(b block) bool {
	return chromeLabels[labelForm(b.text)]
}

// relatedLabel reports whether a block opens related links: the label
// alone ("اقرأ أيضا:") or the label and one linked headline.
func relatedLabel(b block) (alone, inline bool) {
	t := labelForm(b.text)
	for _, l := range relatedLabels {
		if t == l {
			return true, false
		}
		if strings.HasPrefix(t, l+" ") || strings.HasPrefix(t, l+":") {
			return false, words(b.text) <= 30
		}
	}
	return false, false
}

// timestamp matches the publication lines some pages put at the head of
// their text ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً").
var timestamp = regexp.MustCompile(`(^|[^0-9])((19|20)[0-9]{2}|[٠-٩]{4}|[0-9]{1,2}:[0-9]{2})([^0-9]|$)`)

// cleanBlocks drops what the library kept of the page's furniture: the
// headline repeated, a timestamp line before the text, ad labels, share
// and comment widgets, "اقرأ أيضا" blocks with their links, lists of links.
func cleanBlocks(blocks []block, title string) []block {
	var out []block
	nt := norm(title)
	started := false // a paragraph of text has been seen
	seen := map[string]bool{}
	var seenText strings.Builder
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if b.runes == 0 && b.tag != "figure" {
			continue
		}
		if isChrome(b) || b.tag == "p" && isDisclaimer(b.text) {
			continue
		}
		// Text the library gave twice (go-trafilatura repeats the text of
		// <br>-separated paragraphs around an embedded ad).
		nb := norm(b.text)
		if b.tag == "figure" {
			nb = b.html
		}
		if seen[nb] {
			continue
		}
		if ws := strings.Fields(nb); len(ws) >= 20 && strings.Contains(seenText.String(), strings.Join(ws[:15], " ")) {
			continue
		}
		seen[nb] = true
		seenText.WriteString(nb)
		seenText.WriteByte('\n')
		if !started && b.tag != "figure" && (norm(b.text) == nt || b.tag[0] == 'h' && strings.Contains(nt, norm(b.text)) && len(nt) > 0) {
			continue // the headline, shown apart
		}
		if !started && b.tag == "p" && words(b.text) <= 12 && timestamp.MatchString(b.text) && !endsSentence(b.text) {
			continue
		}
		if alone, inline := relatedLabel(b); alone {
			// Skip the links that follow: lists and paragraphs that are
			// mostly links, and the short lines (dates, sources) between them.
			for i+1 < len(blocks) {
				n := blocks[i+1]
				if n.linkDensity() >= 0.5 || n.tag == "figure" ||
					(n.tag == "p" || n.tag == "ul" || n.tag == "ol") && words(n.text) <= 14 && !endsSentence(n.text) {
					i++
					continue
				}
				break
			}
			continue
		} else if inline && b.tag != "blockquote" {
			continue
		}
		if (b.tag == "ul" || b.tag == "ol" || b.tag == "p") && b.linkDensity() >= 0.8 && words(b.text) <= 40 {
			continue // links to other pages
		}
		if b.tag == "p" && words(b.text) >= 8 {
			started = true
		}
		out = append(out, b)
	}
	// A short line left at the end is the label of a widget the library
	// dropped ("مواضيع ساخنة اخرى").
	for len(out) > 0 {
		last := out[len(out)-1]
		if last.tag == "p" && words(last.text) <= 5 && !endsSentence(last.text) || last.tag[0] == 'h' {
			out = out[:len(out)-1]
			continue
		}
		break
	}
	return out
}

// disclaimers are phrases of the comment rules and opinion disclaimers
// that close article pages.
var disclaimers = []string{
	"لا تعبر عن رأي", "لا يعبر عن رأي", "لا تعبر بالضرورة", "لا يعبر بالضرورة", "تعبر عن رأي كاتبها",
	"تعبر عن وجهة نظر", "لا تعكس بالضرورة", "إرشادات الاستخدام", "مراجعة التعليقات", "سياسة التعليقات",
	"شروط النشر", "قواعد النشر", "الآراء الواردة", "يتحمل كاتب التعليق", "التعليقات المنشورة",
}

func isDisclaimer(text string) bool {
	if words(text) > 80 {
		return false
	}
	t := norm(text)
	for _, d := range disclaimers {
		if strings.Contains(t, norm(d)) {
			return true
		}
	}
	return false
}

// leadByline takes a byline standing alone at the head of the body
// ("حوار: آسيا العتروس") or opening the first paragraph ("القاهرة - أحمد
// سمير - أعلنت …", "دمشق، سوريا (CNN) -- أكدت …"), and a site's name
// opening it ("المدينة نيوز :- بلغت …"), out of the body.
func leadByline(blocks []block, sites []string) ([]block, byline.Byline) {
	var by byline.Byline
	for i := 0; i < len(blocks) && i < 4; i++ {
		b := blocks[i]
		if b.tag == "figure" || b.tag[0] == 'h' {
			continue
		}
		if b.tag != "p" {
			break
		}
		if words(b.text) <= 12 {
			if got, ok := byline.ParseLine(b.text); ok {
				by = got
				blocks = append(blocks[:i:i], blocks[i+1:]...)
				i--
				continue
			}
		}
		if words(b.text) < 8 {
			continue
		}
		text := cutSitePrefix(b.text, sites)
		if got, rest, ok := byline.SplitLead(text); ok {
			if len(by.Authors) == 0 {
				by.Authors = got.Authors
			}
			if by.Dateline == "" {
				by.Dateline = got.Dateline
			}
			text = rest
		}
		if text != b.text {
			b.text = text
			b.html = "<p>" + html.EscapeString(text) + "</p>"
			b.runes = len([]rune(text))
			blocks[i] = b
		}
		break
	}
	return blocks, by
}

// cutSitePrefix removes the site's name and the dash or colon after it from
// the head of a paragraph.
func cutSitePrefix(p string, sites []string) string {
	for _, s := range sites {
		if s == "" || !strings.HasPrefix(p, s) {
			continue
		}
		rest := p[len(s):]
		trimmed := strings.TrimLeft(rest, " :：-–—ـ")
		if len(trimmed) < len(rest) && strings.ContainsAny(rest[:len(rest)-len(trimmed)], ":：-–—ـ") && words(trimmed) >= 5 {
			return trimmed
		}
	}
	return p
}
