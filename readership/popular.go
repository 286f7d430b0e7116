package readership

import (
	"context"
	"sync"
	"time"

	"sahafa/news"
)

// Popular gives the most read articles of the last day ("الأكثر قراءة"),
// of the whole site or of a section, from the stored counts: each list is
// read at most once per Every, whatever the traffic.
type Popular struct {
	store news.Store
	every time.Duration
	limit int
	now   func() time.Time

	mu    sync.Mutex
	lists map[string]popularList
}

type popularList struct {
	at       time.Time
	articles []news.Article
}

// PopularWindow is the period "most read" covers.
const PopularWindow = 24 * time.Hour

// NewPopular returns the lists of limit articles, refreshed every every.
func NewPopular(store news.Store, every time.Duration, limit int) *Popular {
	return &Popular{store: store, every: every, limit: limit, now: time.Now, lists: map[string]popularList{}}
}

// Articles is the most read list of a section ("": the whole site).
func (p *Popular) Articles(ctx context.Context, section string) ([]news.Article, error) {
	now := p.now()
	p.mu.Lock()
	l, ok := p.lists[section]
	p.mu.Unlock()
	if ok && now.Sub(l.at) < p.every {
		return l.articles, nil
	}
	top, err := p.store.MostViewed(ctx, now.Add(-PopularWindow).Truncate(time.Hour), section, p.limit)
	if err != nil {
		return nil, err
	}
	viewed, err := viewedArticles(ctx, p.store, top)
	if err != nil {
		return nil, err
	}
	list := make([]news.Article, len(viewed))
	for i, v := range viewed {
		list[i] = v.Article
	}
	p.mu.Lock()
	if len(p.lists) > 1000 { // sections are few; a bound all the same
		clear(p.lists)
	}
	p.lists[section] = popularList{at: now, articles: list}
	p.mu.Unlock()
	return list, nil
}
