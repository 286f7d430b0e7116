package storetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"sahafa/news"
)

// Generated articles for benchmarks and load tests of any store.

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

// GeneratedText returns n words drawn, skewed, from a vocabulary of
// common Arabic news words.
func GeneratedText(rng *rand.Rand, n int) string {
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

// GeneratedBatch makes n articles of about 400 words, numbered from first,
// with their search text set (the words as given).
func GeneratedBatch(rng *rand.Rand, first, n int) []news.ArticleRecord {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := make([]news.ArticleRecord, n)
	for i := range recs {
		k := first + i
		title := GeneratedText(rng, 8)
		body := GeneratedText(rng, 400)
		recs[i] = news.ArticleRecord{
			Article: news.Article{
				ExternalID:  fmt.Sprintf("bench-%d", k),
				Source:      "bench",
				Slug:        fmt.Sprintf("story-%d", k),
				Title:       title,
				Abstract:    GeneratedText(rng, 25),
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
