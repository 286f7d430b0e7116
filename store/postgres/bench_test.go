package postgres

import (
	"context"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/storetest"
)

// The benchmarks mirror the SQLite store's, on the same generated text.

// The generated articles every store's benchmarks use.
var (
	randomText = storetest.GeneratedText
	benchBatch = storetest.GeneratedBatch
)

func BenchmarkSaveArticles(b *testing.B) {
	const batch = 500
	s := openTest(b)
	defer s.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	batches := make([][]news.ArticleRecord, b.N)
	for i := range batches {
		batches[i] = benchBatch(rng, i*batch, batch)
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
	// CPU time of this process only: the server's work is not in it.
	b.ReportMetric(float64(b.N*batch)/(cpuTime(b)-cpu0).Seconds(), "articles/client-cpu-s")
	var size int64
	if err := s.pool.QueryRow(ctx, `SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')`).Scan(&size); err == nil {
		b.ReportMetric(float64(size)/float64(b.N*batch)*1000/(1<<20), "MiB/1k_articles")
	}
}

// cpuTime is the user and system CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkSearch(b *testing.B) {
	const n = 5000
	s := openTest(b)
	defer s.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < n; i += 500 {
		if _, err := s.SaveArticles(ctx, benchBatch(rng, i, 500)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	queries := []struct {
		name string
		q    news.SearchQuery
	}{
		{"term-in-all-docs", news.SearchQuery{Terms: []string{"الحكومة"}}},
		{"two-common-terms", news.SearchQuery{Terms: []string{"البنك", "التضخم"}}},
		{"phrase", news.SearchQuery{Phrases: [][]string{{"الوزير", "قال"}}}},
		{"section-exclude", news.SearchQuery{Terms: []string{"الفريق"}, Exclude: []string{"المدرب"}, SectionSlug: "sports"}},
		{"more-like-this", news.SearchQuery{Should: []string{"الرواية", "الشاعر", "المسرح", "الفنان"}, ExcludeID: 7}},
		{"rare-term-by-date", news.SearchQuery{Terms: []string{"الموسيقى"}, ByDate: true, Limit: 10}},
	}
	for _, c := range queries {
		b.Run(c.name, func(b *testing.B) {
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
