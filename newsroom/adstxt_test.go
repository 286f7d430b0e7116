package newsroom_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sahafa/store/teststores"
)

// TestAdsTxt: an administrator writes the site's authorized sellers in
// the settings; /ads.txt serves them as written (404 while there are
// none); a malformed line is refused with its number, and nothing is
// saved.
func TestAdsTxt(t *testing.T) { teststores.Each(t, testAdsTxt) }

func testAdsTxt(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	admin, anon := e.as("admin"), e.anonymous()
	if r := anon.get("/ads.txt"); r.status != http.StatusNotFound {
		t.Errorf("/ads.txt with none written: %d, want 404", r.status)
	}
	form := func(ads string) url.Values {
		return url.Values{"site_name": {"صحافة"}, "digits": {"latin"}, "hijri": {"false"}, "feed_content": {"full"}, "ads_txt": {ads}}
	}
	const good = "# البائعون المعتمدون\r\ngoogle.com, pub-1234567890123456, DIRECT, f08c47fec0942fa0\r\nappnexus.com, 8217, RESELLER\r\ncontact=ads@example.org"
	if r := admin.post("/newsroom/settings", form(good)); r.status != http.StatusSeeOther {
		t.Fatalf("saving ads.txt: %d %q", r.status, r.errors())
	}
	r := anon.get("/ads.txt")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") ||
		r.body != strings.ReplaceAll(good, "\r\n", "\n")+"\n" {
		t.Errorf("/ads.txt: %d %q\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	for bad, why := range map[string]string{
		"google.com, pub-1, DIRECT\nappnexus.com 8217 RESELLER": "السطر 2",
		"google.com, pub-1, PARTNER":                            "DIRECT أو RESELLER",
		"https://google.com/, pub-1, DIRECT":                    "ليس نطاقًا",
		"owner=someone":                                         "متغير غير معروف",
	} {
		res := admin.post("/newsroom/settings", form(bad))
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(strings.Join(res.errors(), " "), why) {
			t.Errorf("ads.txt %q: %d %q, want 422 saying %q", bad, res.status, res.errors(), why)
		}
	}
	if r := anon.get("/ads.txt"); !strings.Contains(r.body, "appnexus.com, 8217, RESELLER") {
		t.Error("a refused ads.txt replaced the saved one")
	}
	if r := e.as("editor").post("/newsroom/settings", form("")); r.status != http.StatusForbidden {
		t.Errorf("an editor saves the settings: %d, want 403", r.status)
	}
}
