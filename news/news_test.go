package news

import (
	"testing"
	"time"
)

func TestPathIsPercentEncodedAndKeepsFirstDate(t *testing.T) {
	a := Article{
		Slug:        "قمة-إقليمية-في-عمان",
		Section:     Section{Slug: "world"},
		PublishedAt: time.Date(2024, 10, 7, 23, 30, 0, 0, time.FixedZone("AST", -4*3600)), // 8 Oct 03:30 UTC
	}
	want := "/world/2024/10/08/%D9%82%D9%85%D8%A9-%D8%A5%D9%82%D9%84%D9%8A%D9%85%D9%8A%D8%A9-%D9%81%D9%8A-%D8%B9%D9%85%D8%A7%D9%86"
	if got := a.Path(); got != want {
		t.Errorf("Path() = %s, want %s", got, want)
	}
	a.FirstPublished = time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC)
	if got := a.Path(); got[:18] != "/world/2024/10/01/" {
		t.Errorf("Path() with FirstPublished = %s", got)
	}
	if got := SectionPath("منوعات"); got != "/%D9%85%D9%86%D9%88%D8%B9%D8%A7%D8%AA/" {
		t.Errorf("SectionPath = %s", got)
	}
}

func TestInOrder(t *testing.T) {
	list := []Article{{ID: 3}, {ID: 1}, {ID: 2}}
	got := InOrder(list, []int64{2, 9, 3, 1})
	if len(got) != 3 || got[0].ID != 2 || got[1].ID != 3 || got[2].ID != 1 {
		t.Errorf("InOrder = %+v", got)
	}
}

func TestPlainText(t *testing.T) {
	in := `<p>قال <b>الوزير</b> &amp; أضاف</p><p>فقرة&nbsp;ثانية</p><p>غير مغلق <b`
	want := " قال  الوزير  & أضاف  فقرة\u00a0ثانية  غير مغلق "
	if got := PlainText(in); got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}
