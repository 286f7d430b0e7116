package web_test

import (
	"testing"

	"sahafa/web"
)

func TestRouteOf(t *testing.T) {
	for path, want := range map[string]string{
		"/":                                    "/",
		"/static/abc/css/site.css":             "/static/",
		"/api/v1/articles/12":                  "/api/v1/articles/{id}",
		"/newsroom/articles/12/edit":           "/newsroom/articles/",
		"/search/":                             "/search/",
		"/world/":                              "/{section}/",
		"/world/2024/03/15/some-slug":          "/{section}/{yyyy}/{mm}/{dd}/{slug}",
		"/author/yasser-rashad/":               "/author/{slug}/",
		"/archive/":                            "/archive/",
		"/archive/2024/":                       "/archive/{yyyy}/",
		"/archive/2024/03/":                    "/archive/{yyyy}/{mm}/",
		"/archive/2024/03/15/":                 "/archive/{yyyy}/{mm}/{dd}/",
		"/archive/hijri/":                      "/archive/hijri/",
		"/archive/hijri":                       "/archive/hijri/",
		"/archive/hijri/1445/":                 "/archive/hijri/{yyyy}/",
		"/archive/hijri/1445/09/":              "/archive/hijri/{yyyy}/{mm}/",
		"/archive/hijri/1445/09/05/":           "/archive/hijri/{yyyy}/{mm}/", // no such page; the label set stays fixed
		"/archive/hijri/1445/09/05/extra/more": "/archive/hijri/{yyyy}/{mm}/",
	} {
		if got := web.RouteOf(path); got != want {
			t.Errorf("RouteOf(%q) = %q, want %q", path, got, want)
		}
	}
}
