package newsroom

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"sahafa/arabic"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/readership"
)

// The readership page: what was read, drawn by the server (an SVG bar
// chart: no script, no chart library).

func (h *Handler) readershipRoutes() {
	h.mux.Handle("GET /newsroom/readership", h.auth(h.readershipPage))
	h.mux.Handle("GET /newsroom/readership.csv", h.auth(h.readershipCSV))
}

// chart is a bar chart (hours or days), laid out for the template. Time
// runs right to left, as the page reads: the newest bar is at the left.
type chart struct {
	Width, Height int
	Bars          []chartBar
	Labels        []chartLabel
	Max           int
	MaxText       string
}

type chartBar struct {
	X, Y, W, H int
	Title      string // "09:00: 120 مشاهدة"
}

type chartLabel struct {
	X    int
	Text string
}

const (
	chartWidth  = 720
	chartHeight = 160
)

// drawChart lays out periods as bars: title names a bar's period, label
// gives the text under it ("" for none). Numbers are written in digits
// (an SVG's text is left alone by the page's digit conversion).
func drawChart(periods []readership.HourViews, digits arabic.DigitStyle, title, label func(time.Time) string) chart {
	c := chart{Width: chartWidth, Height: chartHeight}
	if len(periods) == 0 {
		return c
	}
	slot := chartWidth / len(periods)
	for _, p := range periods {
		c.Max = max(c.Max, p.Views)
	}
	c.MaxText = arabic.FormatDigits(strconv.Itoa(c.Max), digits)
	for i, p := range periods {
		x := chartWidth - (i+1)*slot
		bh := 0
		if c.Max > 0 {
			bh = p.Views * (chartHeight - 4) / c.Max
		}
		c.Bars = append(c.Bars, chartBar{X: x + 1, Y: chartHeight - bh, W: max(1, slot-3), H: bh,
			Title: arabic.FormatDigits(title(p.Hour)+": "+strconv.Itoa(p.Views)+" مشاهدة", digits)})
		if l := label(p.Hour); l != "" {
			c.Labels = append(c.Labels, chartLabel{X: x + slot/2, Text: arabic.FormatDigits(l, digits)})
		}
	}
	return c
}

// readershipView is the page's data.
type readershipView struct {
	readership.Report
	Hourly, Daily chart
	NowSince      time.Time // the start of "now"
}

// chartDays is how many days the daily chart covers.
const chartDays = 30

func (h *Handler) readershipPage(w http.ResponseWriter, r *request) {
	if !editorial.Can(r.user, editorial.ActStats, nil) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء"))
		return
	}
	now := time.Now()
	rep, err := readership.Build(r.Context(), h.opts.Store, now)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	loc := h.opts.Editorial.Location()
	days, err := readership.DailyViews(r.Context(), h.opts.Store, now, chartDays, loc)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	digits := h.siteDigits(r)
	v := &readershipView{Report: rep, NowSince: rep.NowSince,
		Hourly: drawChart(rep.Hours, digits,
			func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") },
			func(t time.Time) string {
				if t := t.In(loc); t.Hour()%6 == 0 {
					return t.Format("15:04")
				}
				return ""
			}),
		Daily: drawChart(days, digits,
			func(t time.Time) string { return t.Format("2006-01-02") },
			func(t time.Time) string {
				if t.Weekday() == time.Friday {
					return t.Format("01/02")
				}
				return ""
			})}
	h.render(w, r.Request, r, http.StatusOK, "readership", &page{Title: "الجمهور", Active: "readership", Readership: v,
		ArabicDigits: digits == arabic.ArabicIndicDigits})
}

// readershipCSV is the week's (or ?days=N, 1 to 90) most read articles
// as CSV, with a byte-order mark so that spreadsheets read the Arabic.
func (h *Handler) readershipCSV(w http.ResponseWriter, r *request) {
	if !editorial.Can(r.user, editorial.ActStats, nil) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء"))
		return
	}
	days := 7
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 90 {
			h.renderError(w, r.Request, r, http.StatusBadRequest, "days: عدد الأيام من 1 إلى 90.")
			return
		}
		days = n
	}
	top, err := readership.MostViewed(r.Context(), h.opts.Store, readership.Since(time.Now(), days), news.MaxListLimit)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"id", "title", "section", "published_at", "path", "views"})
	for _, t := range top {
		a := t.Article
		p, _ := url.PathUnescape(a.Path())
		cw.Write([]string{strconv.FormatInt(a.ID, 10), a.Title, a.Section.Name, a.PublishedAt.UTC().Format(time.RFC3339), p, strconv.Itoa(t.Views)})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="readership-%ddays.csv"`, days))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

// siteDigits is the digit style the site's pages use (a setting).
func (h *Handler) siteDigits(r *request) arabic.DigitStyle {
	if h.opts.CurrentSettings != nil && h.opts.CurrentSettings(r.Context())["digits"] == "arabic" {
		return arabic.ArabicIndicDigits
	}
	return arabic.LatinDigits
}
