package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
)

// TestReadershipPage: editors see the day's views and readers, an hourly
// chart drawn as SVG, the most read articles, sections and referrers;
// writers do not see the page, but see their own article's views on its
// editor page.
func TestReadershipPage(t *testing.T) { teststores.Each(t, testReadershipPage) }

func testReadershipPage(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	a := e.articleIn("writer", news.StatusPublished, "انقطاع المياه عن أحياء شرق المدينة")
	b := e.articleIn("writer", news.StatusPublished, "افتتاح المكتبة العامة بعد تجديدها")
	hour := time.Now().UTC().Truncate(time.Hour)
	if err := e.store.AddViews(context.Background(), news.ViewBatch{
		Articles:  map[news.HourKey]int{{Hour: hour, ArticleID: a.ID}: 120, {Hour: hour.Add(-3 * time.Hour), ArticleID: b.ID}: 45},
		Referrers: map[news.HourDomain]int{{Hour: hour, Domain: "google.com"}: 80},
	}); err != nil {
		t.Fatal(err)
	}
	r := e.as("editor").get("/newsroom/readership")
	if r.status != http.StatusOK {
		t.Fatalf("the readership page: %d", r.status)
	}
	for _, want := range []string{"الجمهور", "<svg", "<rect", a.Title, b.Title, "google.com", "أخبار العالم", ">165<"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the readership page lacks %q", want)
		}
	}
	if i, j := strings.Index(r.body, a.Title), strings.Index(r.body, b.Title); i > j {
		t.Error("the most read are not in order of views")
	}
	if !strings.Contains(r.body, "كريم الكاتب") {
		t.Error("the readership page lacks the authors' numbers")
	}
	csvPage := e.as("editor").get("/newsroom/readership.csv?days=7")
	if csvPage.status != http.StatusOK || !strings.HasPrefix(csvPage.body, "\uFEFFid,title,section,published_at,path,views\n") ||
		!strings.Contains(csvPage.body, a.Title+",أخبار العالم,") || !strings.Contains(csvPage.body, ",120\n") {
		t.Errorf("the CSV: %d\n%s", csvPage.status, csvPage.body)
	}
	if r := e.as("editor").get("/newsroom/readership.csv?days=0"); r.status != http.StatusBadRequest {
		t.Errorf("days=0: %d, want 400", r.status)
	}
	if r := e.as("writer").get("/newsroom/readership.csv"); r.status != http.StatusForbidden {
		t.Errorf("a writer downloads the CSV: %d, want 403", r.status)
	}
	if r := e.as("writer").get("/newsroom/readership"); r.status != http.StatusForbidden {
		t.Errorf("a writer opens the readership page: %d, want 403", r.status)
	}
	if ed := e.as("writer").get(fmt.Sprintf("/newsroom/articles/%d", a.ID)); !strings.Contains(ed.body, "قُرئ 120 مرة في 7 أيام") {
		t.Error("the article's editor page does not show its views")
	}
	// "Now" is this hour and the one before: the article read three
	// hours ago is not in it. The daily chart has today's views.
	now := r.body[strings.Index(r.body, "<h2>الأكثر قراءة الآن</h2>"):]
	now = now[:strings.Index(now, "</section>")]
	if !strings.Contains(now, a.Title) || strings.Contains(now, b.Title) {
		t.Errorf("the most read now:\n%s", now)
	}
	today := 165
	if hour.Hour() < 3 { // the earlier views were yesterday's
		today = 120
	}
	if !strings.Contains(r.body, `aria-labelledby="chart-days-title"`) || !strings.Contains(r.body, fmt.Sprintf(": %d مشاهدة</title>", today)) {
		t.Error("the daily chart is missing, or lacks today's views")
	}
	// A site that writes its numbers in Arabic-Indic digits sees them so
	// here too, in the text and in the charts.
	res := e.as("admin").post("/newsroom/settings", url.Values{"site_name": {"صحافة"}, "digits": {"arabic"}, "hijri": {"false"},
		"feed_content": {"full"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("saving the digits setting: %d %q", res.status, res.errors())
	}
	r = e.as("editor").get("/newsroom/readership")
	for _, want := range []string{">١٦٥<", ": ١٢٠ مشاهدة</title>", `<span class="muted">١٢٠</span>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("with Arabic-Indic digits, the page lacks %q", want)
		}
	}
}
