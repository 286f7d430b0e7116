package storetest

import (
	"context"
	"math/rand/v2"
	"testing"

	"sahafa/news"
)

// Benchmarks every store runs the same way, so that their numbers compare.

// BenchSaveArticles saves b.N batches of 500 generated articles and
// reports articles/s, and articles per CPU-second of this process (the
// cpuUnit names it: "cpu-s" for an embedded store, "client-cpu-s" when a
// server does part of the work). size, when not nil, gives the store's
// size afterwards for a MiB per 1,000 articles metric.
func BenchSaveArticles(b *testing.B, s news.Store, cpuUnit string, size func() (int64, error)) {
	const batch = 500
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	batches := make([][]news.ArticleRecord, b.N)
	for i := range batches {
		batches[i] = GeneratedBatch(rng, i*batch, batch)
	}
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for i := range b.N {
		if _, err := s.SaveArticles(ctx, batches[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "articles/s")
	// Wall time depends on the neighbours on a shared machine; the CPU time
	// this process spent does not (much).
	if cpu := cpuTime(b) - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N*batch)/cpu.Seconds(), "articles/"+cpuUnit)
	}
	if size != nil {
		if n, err := size(); err == nil {
			b.ReportMetric(float64(n)/(1<<20)/float64(b.N*batch)*1000, "MiB/1k_articles")
		}
	}
}

// BenchSearch fills s with 5,000 generated articles (prepare, when not
// nil, then runs, e.g. ANALYZE) and times a set of typical queries.
func BenchSearch(b *testing.B, s news.Store, prepare func() error) {
	const n = 5000
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < n; i += 500 {
		if _, err := s.SaveArticles(ctx, GeneratedBatch(rng, i, 500)); err != nil {
			b.Fatal(err)
		}
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			b.Fatal(err)
		}
	}
	queries := []struct {
		name string
		q    news.SearchQuery
	}{
		{"term-in-all-docs", news.SearchQuery{Terms: []string{"الحكومة"}}},
		{"two-common-terms", news.SearchQuery{Terms: []string{"البنك", "التضخم"}}},
		{"phrase", news.SearchQuery{Phrases: [][]string{{"الوزير", "قال"}}}},
		{"section-exclude", news.SearchQuery{Terms: []string{"الفريق"}, Exclude: []string{"المدرب"}, SectionSlug: "sports"}},
		{"more-like-this", news.SearchQuery{Should: []string{"الرواية", "الشاعر", "المسرح", "الفنان"}, ExcludeID: 7, RankAll: true}},
		{"rare-term-by-date", news.SearchQuery{Terms: []string{"الموسيقى"}, ByDate: true, Limit: 10}},
	}
	for _, c := range queries {
		b.Run(c.name, func(b *testing.B) {
			// The first run warms the caches.
			if _, err := s.Search(ctx, c.q); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := s.Search(ctx, c.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
