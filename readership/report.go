package readership

import (
	"context"
	"time"

	"sahafa/news"
)

// Report is what the newsroom's readership page shows.
type Report struct {
	ViewsToday   int // since midnight UTC
	ReadersToday int // estimated distinct readers since midnight UTC
	ViewsDay     int // the last 24 hours
	Hours        []HourViews
	TopNow       []Top // since NowSince: this hour and the one before
	NowSince     time.Time
	TopDay       []Top // the last 24 hours
	TopWeek      []Top // the last 7 days
	Sections     []news.DomainViews
	Authors      []news.DomainViews
	Referrers    []news.DomainViews
}

// HourViews is one hour of the chart.
type HourViews struct {
	Hour  time.Time
	Views int
}

// Top is an article with its views.
type Top struct {
	Article news.Article
	Views   int
}

// Since is the start of the last days days at now, counted in whole
// hours (this hour is the last of them).
func Since(now time.Time, days int) time.Time {
	return now.UTC().Truncate(time.Hour).Add(-time.Duration(days)*24*time.Hour + time.Hour)
}

// ReportHours is how many hours the chart covers.
const ReportHours = 48

// Build reads a report from the stored counts (as written at the last
// flush: up to a few seconds behind).
func Build(ctx context.Context, st news.Store, now time.Time) (Report, error) {
	var r Report
	now = now.UTC()
	thisHour := now.Truncate(time.Hour)
	from := thisHour.Add(-(ReportHours - 1) * time.Hour)
	hours, err := st.HourlyViews(ctx, from, thisHour.Add(time.Hour))
	if err != nil {
		return r, err
	}
	today := now.Truncate(24 * time.Hour)
	for h := from; !h.After(thisHour); h = h.Add(time.Hour) {
		n := hours[h]
		r.Hours = append(r.Hours, HourViews{Hour: h, Views: n})
		if !h.Before(today) {
			r.ViewsToday += n
		}
		if h.After(thisHour.Add(-24 * time.Hour)) {
			r.ViewsDay += n
		}
	}
	sk, err := st.VisitorSketch(ctx, today)
	if err != nil {
		return r, err
	}
	r.ReadersToday = Estimate(sk)
	r.NowSince = thisHour.Add(-time.Hour)
	if r.TopNow, err = MostViewed(ctx, st, r.NowSince, 5); err != nil {
		return r, err
	}
	if r.TopDay, err = MostViewed(ctx, st, Since(now, 1), 10); err != nil {
		return r, err
	}
	week := Since(now, 7)
	if r.TopWeek, err = MostViewed(ctx, st, week, 10); err != nil {
		return r, err
	}
	if r.Sections, err = st.SectionViews(ctx, week); err != nil {
		return r, err
	}
	if r.Authors, err = st.AuthorViews(ctx, week, 10); err != nil {
		return r, err
	}
	r.Referrers, err = st.TopReferrers(ctx, week, 10)
	return r, err
}

// MostViewed are the n most viewed published articles since since, with
// their views.
func MostViewed(ctx context.Context, st news.Store, since time.Time, n int) ([]Top, error) {
	return MostViewedIn(ctx, st, since, "", n)
}

// MostViewedIn is MostViewed of one section (by slug; "" for all).
func MostViewedIn(ctx context.Context, st news.Store, since time.Time, section string, n int) ([]Top, error) {
	list, err := st.MostViewed(ctx, since, section, n)
	if err != nil {
		return nil, err
	}
	return viewedArticles(ctx, st, list)
}

// DailyViews are the views of each of the last days days (today included)
// in loc, oldest first; each Hour is the day's midnight in loc.
func DailyViews(ctx context.Context, st news.Store, now time.Time, days int, loc *time.Location) ([]HourViews, error) {
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	first := today.AddDate(0, 0, -(days - 1))
	hours, err := st.HourlyViews(ctx, first.UTC(), now.UTC().Truncate(time.Hour).Add(time.Hour))
	if err != nil {
		return nil, err
	}
	out := make([]HourViews, days)
	index := make(map[time.Time]int, days)
	for i := range out {
		out[i].Hour = first.AddDate(0, 0, i)
		index[out[i].Hour] = i
	}
	for h, n := range hours {
		local := h.In(loc)
		if i, ok := index[time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)]; ok {
			out[i].Views += n
		}
	}
	return out, nil
}

// viewedArticles are the articles of counts, in their order, without those
// taken down since they were read.
func viewedArticles(ctx context.Context, st news.Store, list []news.ArticleViews) ([]Top, error) {
	out := make([]Top, 0, len(list))
	for _, v := range list {
		a, err := st.Article(ctx, v.ArticleID)
		if news.ErrorCode(err) == news.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Top{Article: a, Views: v.Views})
	}
	return out, nil
}
