package markup

import (
	"net/url"
	"strings"

	"github.com/yuin/goldmark/util"
)

// Links to media hosts become link cards rather than iframes: the site
// loads nothing from third parties, so the reader chooses to leave.

type embedKind int

const (
	video embedKind = iota
	post
	audio
)

func (k embedKind) label() string {
	switch k {
	case post:
		return "اقرأ المنشور على "
	case audio:
		return "▶ استمع على "
	default:
		return "▶ شاهد الفيديو على "
	}
}

type provider struct {
	class  string // figure class "embed embed-<class>"
	name   string // in the Arabic label
	domain string // the caption: where the link goes
}

var (
	youtube    = &provider{"youtube", "يوتيوب", "youtube.com"}
	vimeo      = &provider{"vimeo", "فيميو", "vimeo.com"}
	xcom       = &provider{"x", "إكس", "x.com"}
	soundcloud = &provider{"soundcloud", "ساوندكلاود", "soundcloud.com"}
	instagram  = &provider{"instagram", "إنستغرام", "instagram.com"}
	facebook   = &provider{"facebook", "فيسبوك", "facebook.com"}
	tiktok     = &provider{"tiktok", "تيك توك", "tiktok.com"}
)

// embedRule matches a URL on host (without "www." or "m.") whose path
// starts with the segments of path: "*" is any segment, "#" digits only,
// "@*" a segment starting with "@", anything else itself. query, when set,
// must be a non-empty query parameter.
type embedRule struct {
	host, path, query string
	kind              embedKind
	provider          *provider
}

var embedRules = []embedRule{
	{host: "youtube.com", path: "/watch", query: "v", kind: video, provider: youtube},
	{host: "youtu.be", path: "/*", kind: video, provider: youtube},
	{host: "vimeo.com", path: "/#", kind: video, provider: vimeo},
	{host: "x.com", path: "/*/status/#", kind: post, provider: xcom},
	{host: "twitter.com", path: "/*/status/#", kind: post, provider: xcom},
	{host: "soundcloud.com", path: "/*/*", kind: audio, provider: soundcloud},
	{host: "instagram.com", path: "/p/*", kind: post, provider: instagram},
	{host: "instagram.com", path: "/reel/*", kind: video, provider: instagram},
	{host: "facebook.com", path: "/*/videos/*", kind: video, provider: facebook},
	{host: "tiktok.com", path: "/@*/video/#", kind: video, provider: tiktok},
}

// embedFor returns the link card for raw, or nil when it is not a link to
// a known media host.
func embedFor(raw []byte) *embedNode {
	u, err := url.Parse(string(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Port() != "" {
		return nil
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, p := range []string{"www.", "m.", "mobile."} {
		if h, ok := strings.CutPrefix(host, p); ok {
			host = h
			break
		}
	}
	for i := range embedRules {
		r := &embedRules[i]
		if r.host == host && r.matches(u) {
			link := string(raw)
			if u.Scheme == "http" && len(link) > 5 && strings.EqualFold(link[:5], "http:") {
				// These hosts serve https only: no plain-text hop for the reader.
				link = "https:" + link[5:]
			}
			return &embedNode{url: util.URLEscape([]byte(link), false), rule: r}
		}
	}
	return nil
}

func (r *embedRule) matches(u *url.URL) bool {
	if r.query != "" && u.Query().Get(r.query) == "" {
		return false
	}
	path := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	want := strings.Split(strings.TrimPrefix(r.path, "/"), "/")
	if len(path) < len(want) {
		return false
	}
	for i, w := range want {
		s := path[i]
		switch {
		case s == "":
			return false
		case w == "*":
		case w == "#":
			if strings.Trim(s, "0123456789") != "" {
				return false
			}
		case w == "@*":
			if len(s) < 2 || s[0] != '@' {
				return false
			}
		case !strings.EqualFold(w, s):
			return false
		}
	}
	return true
}
