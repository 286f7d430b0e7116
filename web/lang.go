package web

import (
	"html"
	"html/template"

	"sahafa/arabic"
	"sahafa/markup"
	"sahafa/news"
)

// A few articles are in English or French. Their text (headline,
// standfirst, lead image, body) is marked with its language and laid out
// left to right, while the page around it, the article's byline, dates and
// tags among it, stays Arabic and right to left; lists mark their
// headlines the same way.

// articleLanguage is the language of an article: "en" or "fr" when its
// text is clearly English or French, "" for Arabic (markup.DetectLanguage).
func articleLanguage(a *news.Article) string {
	return markup.DetectLanguage(a.Title, a.Abstract, news.PlainText(a.Body))
}

// articleListLang guesses an article's language from what a list shows of
// it, its headline and standfirst: the body is not loaded there.
func articleListLang(a news.Article) string { return markup.DetectLanguage(a.Title, a.Abstract) }

// textLang guesses the language of HTML or plain texts (a search result's
// highlighted headline and snippet).
func textLang(parts ...any) string {
	plain := make([]string, 0, len(parts))
	for _, p := range parts {
		switch v := p.(type) {
		case template.HTML:
			plain = append(plain, news.PlainText(string(v)))
		case string:
			plain = append(plain, v)
		}
	}
	return markup.DetectLanguage(plain...)
}

// articleText is an article's plain text (a headline, a standfirst, a
// caption) as HTML in its language lang: in Arabic with its Latin runs
// isolated and, when the site says so, its numbers in Arabic-Indic digits;
// in a left-to-right language as it is, since the element it is in is
// left to right already.
func (s *Site) articleText(lang, text string) template.HTML {
	if lang != "" {
		return template.HTML(html.EscapeString(text))
	}
	out := markup.IsolateText(text)
	if s.textDigits() {
		out = markup.ArabicDigitsHTML(out)
	}
	return template.HTML(out)
}

// articleHTML does what articleText does to sanitized HTML (a body, a
// highlighted headline).
func (s *Site) articleHTML(lang string, v any) template.HTML {
	h := htmlString(v)
	if lang != "" {
		return template.HTML(h)
	}
	h = markup.IsolateHTML(h)
	if s.textDigits() {
		h = markup.ArabicDigitsHTML(h)
	}
	return template.HTML(h)
}

// textDigits reports whether article text is written with Arabic-Indic
// digits: the text_digits setting is on, and the site's own numbers are
// Arabic-Indic (converting text alone would mix the two on one page).
func (s *Site) textDigits() bool {
	c := s.current()
	return c.TextDigits && c.Digits == arabic.ArabicIndicDigits
}
