package web

import (
	"net/http"
	"strings"

	"sahafa/api"
)

// newsroomRoutes are the first path segments under /newsroom/ that
// RouteOf names; others are "/newsroom/other".
var newsroomRoutes = map[string]bool{"login": true, "logout": true, "articles": true, "preview": true, "media": true,
	"sections": true, "tags": true, "users": true, "settings": true, "account": true}

// apiRoutes are the API's paths after /api/v1/, with ids replaced.
var apiRoutes = map[string]bool{"articles": true, "articles/{id}": true, "articles/{id}/related": true, "articles/{id}/live": true, "articles/{id}/comments": true,
	"sections": true, "search": true, "breaking": true}

// Route names the route of a request for access logs and metrics: one of
// a small fixed set of patterns, whatever the path, so that metric labels
// stay few. Cache hits are named too: nothing has to be routed for it.
func Route(r *http.Request) string { return RouteOf(r.URL.Path) }

// RouteOf is Route for a decoded path.
func RouteOf(p string) string {
	switch {
	case p == "/":
		return "/"
	case strings.HasPrefix(p, "/static/"):
		return "/static/"
	case strings.HasPrefix(p, "/media/"):
		return "/media/{id}/{file}"
	case strings.HasPrefix(p, api.Prefix):
		rest := strings.Trim(strings.TrimPrefix(p, api.Prefix), "/")
		parts := strings.Split(rest, "/")
		if len(parts) >= 2 && parts[0] == "articles" {
			parts[1] = "{id}"
		}
		if r := strings.Join(parts, "/"); apiRoutes[r] {
			return api.Prefix + r
		}
		return api.Prefix + "other"
	case p == "/newsroom" || strings.HasPrefix(p, "/newsroom/"):
		seg, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(p, "/newsroom"), "/"), "/")
		switch {
		case seg == "":
			return "/newsroom/"
		case newsroomRoutes[seg]:
			return "/newsroom/" + seg + "/"
		}
		return "/newsroom/other"
	case isSEOPath(p):
		if strings.HasPrefix(p, sitemapsPrefix) {
			return sitemapsPrefix + "{file}"
		}
		return p
	case isFeedPath(p):
		return "feed"
	}
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch parts[0] {
	case "search":
		return "/search/"
	case "comments":
		return "/comments/"
	case "archive":
		if len(parts) > 1 && parts[1] == "hijri" {
			return [...]string{"/archive/hijri/", "/archive/hijri/{yyyy}/", "/archive/hijri/{yyyy}/{mm}/"}[min(len(parts)-2, 2)]
		}
		return [...]string{"/archive/", "/archive/{yyyy}/", "/archive/{yyyy}/{mm}/", "/archive/{yyyy}/{mm}/{dd}/"}[min(len(parts)-1, 3)]
	case "author", "tag":
		return "/" + parts[0] + "/{slug}/"
	}
	switch len(parts) {
	case 1:
		return "/{section}/"
	case 5:
		return "/{section}/{yyyy}/{mm}/{dd}/{slug}"
	}
	return "other"
}
