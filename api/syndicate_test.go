package api_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sahafa/ingest"
	"sahafa/store/teststores"
)

func TestSyndicatedForms(t *testing.T) { teststores.Each(t, testSyndicatedForms) }

// testSyndicatedForms: an article as ninjs and as NewsML-G2 is read back
// by the wire desk's own parsers — a partner running Sahafa ingests us —
// with its headline, standfirst, text, byline, dateline and subjects.
func testSyndicatedForms(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	id := f.ids[1]
	for _, c := range []struct{ suffix, ctype string }{
		{".ninjs", "application/ninjs+json; charset=utf-8"},
		{".newsml", "application/vnd.iptc.g2.newsitem+xml; charset=utf-8"},
	} {
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/articles/%d%s", id, c.suffix), nil))
		body, _ := io.ReadAll(rec.Result().Body)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != c.ctype {
			t.Fatalf("%s: %d %q\n%s", c.suffix, rec.Code, rec.Header().Get("Content-Type"), body)
		}
		items, skipped, err := ingest.Parse(ingest.FormatAuto, body)
		if err != nil || len(items) != 1 || len(skipped) != 0 {
			t.Fatalf("%s read back: %v %v\n%s", c.suffix, err, skipped, body)
		}
		it := items[0]
		want := fmt.Sprintf("urn:sahafa:news.example:article:%d", id)
		if it.GUID != want || it.Version < 1 || it.Language != "ar" {
			t.Errorf("%s: guid %q version %d language %q", c.suffix, it.GUID, it.Version, it.Language)
		}
		if it.Headline != "افتتاح معرض الكتاب في دورته رقم 1" || it.Summary != "معرض يجمع الناشرين والقراء." ||
			it.Byline != "طارق نبيل" || it.Dateline != "عمّان" {
			t.Errorf("%s: %+v", c.suffix, it)
		}
		if !strings.Contains(it.Body, "افتُتح المعرض بمشاركة واسعة") || len(it.Subjects) == 0 || it.Subjects[0] != "رياضة" {
			t.Errorf("%s: body %q subjects %q", c.suffix, it.Body, it.Subjects)
		}
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/articles/x.ninjs", nil))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("a bad id: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	f.h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/articles/999999.newsml", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("a missing article: %d", rec.Code)
	}
}
