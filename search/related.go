package search

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	"sahafa/arabic"
	"sahafa/news"
)

// Tuning of "you may also read". The query is the article's telling terms
// (its headline's, and the body's most frequent ones that are not common
// across the archive), ORed and ranked by the store's bm25; the best
// candidates are then re-ranked with a boost for the same section and for
// closeness in time, since readers of news want the same story's
// neighbours, not a similar story from three years ago.
const (
	RelatedCount      = 6
	relatedTerms      = 24   // terms in the more-like-this query
	relatedCandidates = 40   // bm25 candidates re-ranked
	maxDocShare       = 0.08 // terms in more than this share of articles say little
	sectionBoost      = 1.3
	recencyHalfLife   = 45 * 24 * time.Hour // a story 45 days away counts 2/3 as much
)

// Related returns the articles to suggest under a: its stored list, or,
// when none is stored yet (the first views after publication or an edit),
// its section's neighbours in time while a is queued for the refresher
// (RunRelated), which computes and stores the list off the request path.
// A page view never runs the more-like-this query: on a freshly imported
// archive that took about a second per article, on every first view.
func (e *Engine) Related(ctx context.Context, a news.Article, n int) ([]news.Article, error) {
	list, stored, err := e.store.Related(ctx, a.ID, n)
	if err == nil && !stored {
		e.enqueue(a.ID)
	}
	return list, err
}

// maxQueued bounds the articles waiting for the refresher; past it, views
// queue nothing and the refresher's sweep of the archive finds them.
const maxQueued = 4096

func (e *Engine) enqueue(id int64) {
	e.mu.Lock()
	if e.inQueue[id] || e.lonely[id] || len(e.queued) >= maxQueued {
		e.mu.Unlock()
		return
	}
	e.inQueue[id] = true
	e.queued = append(e.queued, id)
	e.mu.Unlock()
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Queued is how many viewed articles wait for their related list.
func (e *Engine) Queued() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.queued)
}

// dequeue takes the article viewed first, if any.
func (e *Engine) dequeue() (int64, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.queued) == 0 {
		return 0, false
	}
	id := e.queued[0]
	e.queued = e.queued[1:]
	delete(e.inQueue, id)
	return id, true
}

// RefreshQueued computes the lists of every queued article now, in order,
// and returns how many it stored (tests, and a caller that cannot run
// RunRelated).
func (e *Engine) RefreshQueued(ctx context.Context) (int, error) {
	n := 0
	for {
		id, ok := e.dequeue()
		if !ok {
			return n, nil
		}
		stored, err := e.refreshID(ctx, id)
		if err != nil {
			return n, err
		}
		if stored {
			n++
		}
	}
}

// refreshID computes and stores the list of article id; stored is false
// when it has nothing to suggest (it is then remembered as lonely) or is
// gone.
func (e *Engine) refreshID(ctx context.Context, id int64) (stored bool, err error) {
	a, err := e.store.Article(ctx, id)
	if news.ErrorCode(err) == news.ENOTFOUND {
		return false, nil // unpublished or deleted meanwhile
	}
	if err != nil {
		return false, err
	}
	got, err := e.RefreshRelated(ctx, a)
	if err != nil {
		return false, err
	}
	if len(got) == 0 {
		e.mu.Lock()
		if len(e.lonely) < maxLonely {
			e.lonely[id] = true
		}
		e.mu.Unlock()
		return false, nil
	}
	return true, nil
}

// RefresherOptions configure RunRelated.
type RefresherOptions struct {
	// Sweep also computes the missing lists of the whole archive, newest
	// first (a freshly imported archive), when the server is not busy.
	Sweep bool
	// Busy reports that readers are being served; a sweep waits for a
	// quiet moment (at most SweepDefer) before each article. Nil: never
	// busy.
	Busy func() bool
	// SweepDefer bounds how long a sweep waits for a quiet moment, so
	// that it progresses under constant load too (default 5 s).
	SweepDefer time.Duration
	// Stored is called after an article's list is stored: its page
	// changed (web.Site.InvalidateArticle).
	Stored func(id int64)
	// Logger receives errors; default slog.Default().
	Logger *slog.Logger
}

// RunRelated is the related-lists refresher: it computes the lists of the
// articles readers viewed without one, first come first served, at most
// half the time busy; then, with Sweep, those of the rest of the archive
// at most a third of the time busy and only when readers leave room. It
// returns when ctx ends.
func (e *Engine) RunRelated(ctx context.Context, opts RefresherOptions) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.SweepDefer <= 0 {
		opts.SweepDefer = 5 * time.Second
	}
	pause := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	var sweep []int64 // upcoming ids of the sweep
	sweepDone := !opts.Sweep
	for ctx.Err() == nil {
		id, viewed := e.dequeue()
		if !viewed {
			if len(sweep) == 0 && !sweepDone {
				e.mu.Lock()
				skip := len(e.lonely)
				e.mu.Unlock()
				ids, err := e.store.MissingRelated(ctx, 50+skip)
				if err != nil {
					if ctx.Err() == nil {
						opts.Logger.Warn("related articles refresher", "err", err)
					}
					if !pause(time.Minute) {
						return
					}
					continue
				}
				for _, id := range ids {
					e.mu.Lock()
					lonely := e.lonely[id]
					e.mu.Unlock()
					if !lonely {
						sweep = append(sweep, id)
					}
				}
				if len(sweep) == 0 {
					sweepDone = true // every list is stored; new articles are viewed first
				}
			}
			if len(sweep) == 0 {
				select {
				case <-ctx.Done():
					return
				case <-e.wake:
				case <-time.After(time.Minute):
					sweepDone = !opts.Sweep // look again for lists edits cleared
				}
				continue
			}
			// Readers first: wait for a quiet moment, but not forever.
			for waited := time.Duration(0); opts.Busy != nil && opts.Busy() && waited < opts.SweepDefer; waited += 50 * time.Millisecond {
				if !pause(50 * time.Millisecond) {
					return
				}
			}
			id, sweep = sweep[0], sweep[1:]
		}
		start := time.Now()
		stored, err := e.refreshID(ctx, id)
		took := time.Since(start)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			opts.Logger.Warn("related articles refresher", "id", id, "err", err)
			if !pause(time.Minute) {
				return
			}
			continue
		case stored && opts.Stored != nil:
			opts.Stored(id)
		}
		rest := took // at most half the time busy for viewed articles
		if !viewed {
			rest = 2 * took // a third for the sweep
		}
		if !pause(rest) {
			return
		}
	}
}

// RefreshRelated computes and stores the related list of a.
func (e *Engine) RefreshRelated(ctx context.Context, a news.Article) ([]int64, error) {
	ids, err := e.ComputeRelated(ctx, a)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		// Nothing alike by content: store the section's neighbours in time,
		// so the article counts as done and is not queried again.
		near, _, err := e.store.Related(ctx, a.ID, RelatedCount)
		if err != nil {
			return nil, fmt.Errorf("related of %d: %w", a.ID, err)
		}
		for _, n := range near {
			ids = append(ids, n.ID)
		}
	}
	if len(ids) > 0 {
		if err := e.store.SetRelated(ctx, a.ID, ids); err != nil {
			return nil, fmt.Errorf("store related of %d: %w", a.ID, err)
		}
	}
	return ids, nil
}

// ComputeRelated runs the more-like-this query for a and returns the ids
// of the best RelatedCount other articles.
func (e *Engine) ComputeRelated(ctx context.Context, a news.Article) ([]int64, error) {
	terms, err := e.tellingTerms(ctx, a)
	if err != nil || len(terms) == 0 {
		return nil, err
	}
	found, err := e.store.Search(ctx, news.SearchQuery{Should: terms, ExcludeID: a.ID, Limit: relatedCandidates, RankAll: true})
	if err != nil {
		return nil, fmt.Errorf("related of %d: %w", a.ID, err)
	}
	if len(found.Hits) == 0 {
		return nil, nil
	}
	type cand struct {
		id    int64
		score float64
	}
	top := found.Hits[0].Score
	cands := make([]cand, 0, len(found.Hits))
	for _, h := range found.Hits {
		score := h.Score / top
		if h.Section.ID == a.Section.ID || h.Section.Slug == a.Section.Slug {
			score *= sectionBoost
		}
		gap := math.Abs(float64(h.PublishedAt.Sub(a.PublishedAt)))
		score *= 1 / (1 + 0.5*gap/float64(recencyHalfLife))
		// Wire copies of the same story under another outlet's headline
		// say nothing new: skip near-duplicates of the article itself.
		if sameHeadline(h.Title, a.Title) {
			continue
		}
		cands = append(cands, cand{h.ID, score})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	ids := make([]int64, 0, RelatedCount)
	for _, c := range cands[:min(len(cands), RelatedCount)] {
		ids = append(ids, c.id)
	}
	return ids, nil
}

// tellingTerms picks the more-like-this query terms of a: every headline
// term, then body terms by tf·idf, leaving out terms common across the
// archive.
func (e *Engine) tellingTerms(ctx context.Context, a news.Article) ([]string, error) {
	title := arabic.Terms(a.Title)
	body := arabic.Terms(a.Abstract + " " + news.PlainText(a.Body))
	tf := map[string]int{}
	for _, t := range body {
		if len([]rune(t)) > 1 {
			tf[t]++
		}
	}
	for _, t := range title {
		tf[t] += 3 // a headline word is worth several body mentions
	}
	if len(tf) == 0 {
		return nil, nil
	}
	all := make([]string, 0, len(tf))
	for t := range tf {
		all = append(all, t)
	}
	df, total, err := e.store.TermDocFreqs(ctx, all)
	if err != nil {
		return nil, fmt.Errorf("related of %d: %w", a.ID, err)
	}
	type scored struct {
		term  string
		score float64
	}
	var cands []scored
	for t, n := range tf {
		d := df[t]
		if total > 50 && float64(d) > maxDocShare*float64(total) {
			continue
		}
		idf := math.Log(1 + float64(total+1)/float64(d+1))
		cands = append(cands, scored{t, float64(n) * idf})
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].term < cands[j].term
	})
	out := make([]string, 0, relatedTerms)
	for _, c := range cands[:min(len(cands), relatedTerms)] {
		out = append(out, c.term)
	}
	return out, nil
}

// sameHeadline reports whether two headlines are the same after
// normalization (the same wire story filed twice).
func sameHeadline(a, b string) bool {
	return strings.Join(arabic.Terms(a), " ") == strings.Join(arabic.Terms(b), " ")
}

// WarmRelated computes the related lists of up to batch articles that have
// none, newest first, and returns how many it stored. The server runs it
// in the background after imports; page views compute the rest on demand.
func (e *Engine) WarmRelated(ctx context.Context, batch int) (int, error) {
	e.mu.Lock()
	skip := len(e.lonely)
	e.mu.Unlock()
	ids, err := e.store.MissingRelated(ctx, batch+skip)
	if err != nil {
		return 0, err
	}
	n, tried := 0, 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		e.mu.Lock()
		lonely := e.lonely[id]
		e.mu.Unlock()
		if lonely {
			continue
		}
		if tried == batch {
			break
		}
		tried++
		stored, err := e.refreshID(ctx, id)
		if err != nil {
			return n, err
		}
		if stored {
			n++
		}
	}
	return n, nil
}

// maxLonely bounds the memory the refresher spends remembering articles
// with nothing to suggest.
const maxLonely = 10000
