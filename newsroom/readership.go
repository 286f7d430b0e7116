package newsroom

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

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

// chart is the hourly bar chart, laid out for the template. Time runs
// right to left, as the page reads: the newest hour is at the left.
type chart struct {
	Width, Height int
	Bars          []chartBar
	Labels        []chartLabel
	Max           int
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
	chartSlot   = chartWidth / readership.ReportHours
)

func drawChart(hours []readership.HourViews, loc *time.Location) chart {
	c := chart{Width: chartWidth, Height: chartHeight}
	for _, h := range hours {
		c.Max = max(c.Max, h.Views)
	}
	for i, h := range hours {
		x := chartWidth - (i+1)*chartSlot
		bh := 0
		if c.Max > 0 {
			bh = h.Views * (chartHeight - 4) / c.Max
		}
		local := h.Hour.In(loc)
		c.Bars = append(c.Bars, chartBar{X: x + 1, Y: chartHeight - bh, W: chartSlot - 3, H: bh,
			Title: local.Format("2006-01-02 15:04") + ": " + strconv.Itoa(h.Views) + " مشاهدة"})
		if local.Hour()%6 == 0 {
			c.Labels = append(c.Labels, chartLabel{X: x + chartSlot/2, Text: local.Format("15:04")})
		}
	}
	return c
}

// readershipView is the page's data.
type readershipView struct {
	readership.Report
	Chart chart
}

func (h *Handler) readershipPage(w http.ResponseWriter, r *request) {
	if !editorial.Can(r.user, editorial.ActStats, nil) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء"))
		return
	}
	rep, err := readership.Build(r.Context(), h.opts.Store, time.Now())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	v := &readershipView{Report: rep, Chart: drawChart(rep.Hours, h.opts.Editorial.Location())}
	h.render(w, r.Request, r, http.StatusOK, "readership", &page{Title: "الجمهور", Active: "readership", Readership: v})
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
	since := time.Now().UTC().Truncate(time.Hour).Add(-time.Duration(days)*24*time.Hour + time.Hour)
	top, err := readership.MostViewed(r.Context(), h.opts.Store, since, news.MaxListLimit)
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
