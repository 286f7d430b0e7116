package search

import (
	"context"
	"fmt"
	"sync"
	"time"

	"sahafa/news"
)

// Page sizes for search results.
const (
	DefaultLimit = 10
	MaxLimit     = 50
	// MaxOffset keeps deep paging cheap; nobody reads result 1,000. A
	// request past it gets the total and no results.
	MaxOffset = 1000
	// snippetWords is the length of a result's excerpt.
	snippetWords = 32
)

// Engine runs searches and related-article queries over a store.
type Engine struct {
	store news.Store

	mu sync.Mutex
	// lonely holds the articles for which the refresher found nothing to
	// suggest (alone in their section and like no other), so that it does
	// not query them again on every round.
	lonely map[int64]bool
	// queued are the articles viewed without a stored related list, in
	// the order they were first viewed, waiting for the refresher
	// (RunRelated); inQueue is the same set for lookups.
	queued  []int64
	inQueue map[int64]bool
	wake    chan struct{}

	// ObserveSearch, when set (before the engine is used), is given the
	// time of every search that reached the store, for metrics.
	ObserveSearch func(time.Duration)
}

// New returns an Engine reading from store.
func New(store news.Store) *Engine {
	return &Engine{store: store, lonely: map[int64]bool{}, inQueue: map[int64]bool{}, wake: make(chan struct{}, 1)}
}

// Request is a reader's search.
type Request struct {
	Query   string
	Section string // section slug
	Author  string // author slug
	From    time.Time
	To      time.Time // exclusive
	ByDate  bool      // newest first instead of best first
	Limit   int
	Offset  int
	// Newsroom searches every article whatever its status (readers'
	// searches find published articles only); Statuses narrows it.
	Newsroom bool
	Statuses []news.Status
	// VisibleTo, when > 0, limits a newsroom search to published articles
	// and those this user created (news.SearchQuery.VisibleTo).
	VisibleTo int64
}

// Hit is one result, ready to show.
type Hit struct {
	news.Article
	Score   float64
	Title   string // HTML: the headline with the matched words marked
	Snippet string // HTML: an excerpt around the matches, marked
}

// Results is one page of results.
type Results struct {
	Query Query
	Total int
	// AtLeast: Total is where the store stopped counting; there are more.
	AtLeast bool
	Hits    []Hit
	// Partial is set when no article holds every word of the query and
	// the results are those holding some of them, best first.
	Partial bool
}

// Search parses and runs req. A query with nothing to match (empty, only
// stop words or punctuation) returns no results and no error.
func (e *Engine) Search(ctx context.Context, req Request) (Results, error) {
	q := Parse(req.Query)
	res := Results{Query: q}
	if q.Empty() {
		return res, nil
	}
	if e.ObserveSearch != nil {
		defer func(start time.Time) { e.ObserveSearch(time.Since(start)) }(time.Now())
	}
	limit := req.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	sq := news.SearchQuery{
		Terms: q.Terms, Phrases: q.Phrases, Exclude: q.Exclude,
		SectionSlug: req.Section, AuthorSlug: req.Author, From: req.From, To: req.To,
		ByDate: req.ByDate, Limit: limit, Offset: max(req.Offset, 0),
		AllStatuses: req.Newsroom, Statuses: req.Statuses, VisibleTo: req.VisibleTo,
	}
	beyond := sq.Offset > MaxOffset
	if beyond {
		sq.Offset, sq.Limit = 0, 1 // only the total is wanted
	}
	found, err := e.store.Search(ctx, sq)
	if err != nil {
		return res, fmt.Errorf("search %q: %w", req.Query, err)
	}
	// When no article holds every word, offer those holding some: a reader
	// who typed one word too many still finds the story.
	if found.Total == 0 && len(q.Terms)+len(q.Phrases) > 1 {
		sq.Should = append(append([]string(nil), q.Terms...), flatten(q.Phrases)...)
		sq.Terms, sq.Phrases = nil, nil
		if found, err = e.store.Search(ctx, sq); err != nil {
			return res, fmt.Errorf("search %q (any word): %w", req.Query, err)
		}
		res.Partial = found.Total > 0
	}
	res.Total, res.AtLeast = found.Total, found.AtLeast
	if beyond {
		return res, nil
	}
	res.Hits = make([]Hit, len(found.Hits))
	for i, h := range found.Hits {
		text := h.Abstract + "\n" + news.PlainText(h.Body)
		res.Hits[i] = Hit{
			Article: h.Article,
			Score:   h.Score,
			Title:   Highlight(h.Title, q.Highlight),
			Snippet: Snippet(text, q.Highlight, snippetWords),
		}
	}
	return res, nil
}

func flatten(phrases [][]string) []string {
	var out []string
	for _, p := range phrases {
		out = append(out, p...)
	}
	return out
}
