package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"sahafa/news"
)

// The benchmarks mirror the SQLite store's, on the same generated text.

// vocabulary of the generated articles: common Arabic news words, so that
// the index sees a realistic spread of frequent and rare terms.
var vocabulary = strings.Fields(`الحكومة الوزير الرئيس البرلمان المجلس الشعب الدولة المدينة القرية
	الاقتصاد السوق الأسعار النفط الغاز الكهرباء المياه الزراعة الصناعة التجارة البنك الفائدة التضخم
	المدرسة الجامعة الطلاب التعليم الصحة المستشفى الطبيب الدواء المرض اللقاح المريض
	الفريق المباراة الهدف الملعب البطولة اللاعب المدرب الجمهور الدوري الكأس
	قال أعلن أكد أوضح أشار أضاف وصف طالب دعا رفض وافق قرر بدأ انتهى استمر ارتفع انخفض
	اليوم أمس غدا الأسبوع الشهر العام الموسم الصباح المساء الليل
	كبير صغير جديد قديم مهم سريع بطيء واسع ضيق قريب بعيد أول آخر
	في من إلى على عن مع بعد قبل خلال بين حتى منذ أمام وراء تحت فوق
	الطريق الجسر الميناء المطار القطار السيارة الشاحنة الطائرة السفينة
	العاصمة الشمال الجنوب الشرق الغرب الحدود المنطقة المحافظة البلدية
	المشروع الخطة الميزانية التقرير الدراسة البيانات النتائج الأرقام المؤشر
	الثقافة الكتاب المعرض الفيلم المسرح الموسيقى الفنان الشاعر الرواية`)

func randomText(rng *rand.Rand, n int) string {
	words := make([]string, n)
	for i := range words {
		// A skewed pick: low indices (and so some words) are much more common.
		words[i] = vocabulary[int(float64(len(vocabulary))*rng.Float64()*rng.Float64())]
	}
	return strings.Join(words, " ")
}

var benchSections = []news.Section{
	{Slug: "politics", Name: "سياسة"}, {Slug: "economy", Name: "اقتصاد"},
	{Slug: "sports", Name: "رياضة"}, {Slug: "culture", Name: "ثقافة"},
}

// benchBatch makes n articles of about 400 words, numbered from first.
func benchBatch(rng *rand.Rand, first, n int) []news.ArticleRecord {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := make([]news.ArticleRecord, n)
	for i := range recs {
		k := first + i
		title := randomText(rng, 8)
		body := randomText(rng, 400)
		recs[i] = news.ArticleRecord{
			Article: news.Article{
				ExternalID:  fmt.Sprintf("bench-%d", k),
				Source:      "bench",
				Slug:        fmt.Sprintf("story-%d", k),
				Title:       title,
				Abstract:    randomText(rng, 25),
				Body:        "<p>" + body + "</p>",
				Section:     benchSections[k%len(benchSections)],
				Authors:     []news.Author{{Slug: fmt.Sprintf("writer-%d", k%40), Name: fmt.Sprintf("كاتب %d", k%40)}},
				Dateline:    "القاهرة",
				PublishedAt: start.Add(time.Duration(k) * 17 * time.Minute),
			},
			SearchTitle: title,
			SearchBody:  body,
		}
	}
	return recs
}

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
