// Command archivegen writes a large, realistic news archive as JSON Lines
// (the corpus format "sahafa import" reads) from the shared corpora: N
// articles with new ids, publication times spread over the last YEARS
// years, the corpora's sections, bylines from a pool of reporters and
// cities, and tags taken from each headline's telling words. The text is
// the corpora's, read from ../shared at run time (never stored in the
// repository); the same seed gives the same archive.
//
//	go run ./bench/archivegen -n 1000000 -o /tmp/archive.jsonl.gz
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/bench/internal/corpus"
)

type article struct {
	ID        string   `json:"id"`
	URL       string   `json:"url,omitempty"`
	Source    string   `json:"source"`
	Section   string   `json:"section,omitempty"`
	Title     string   `json:"title"`
	Published string   `json:"published"`
	Byline    string   `json:"byline"`
	Abstract  string   `json:"abstract,omitempty"`
	Body      string   `json:"body"`
	Tags      []string `json:"tags,omitempty"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "archivegen:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 1_000_000, "articles to write")
	years := flag.Int("years", 20, "publication times spread over this many years before now")
	seed := flag.Uint64("seed", 1, "random seed (the same seed, the same archive)")
	first := flag.Int("first", 0, "number of the first article (ids gen-FIRST …), to add to an archive made before")
	out := flag.String("o", "-", "output file (.gz to compress), - for standard output")
	corpus := flag.String("corpus", "../shared/corpus", "folder of the shared corpora")
	flag.Parse()
	if *n <= 0 || *years <= 0 {
		return fmt.Errorf("-n and -years must be positive")
	}
	var src []article
	for _, name := range []string{"ant-v2.1.jsonl.gz", "saudinewsnet.jsonl.gz"} {
		got, err := readCorpus(filepath.Join(*corpus, name))
		if err != nil {
			return err
		}
		src = append(src, got...)
	}
	if len(src) == 0 {
		return fmt.Errorf("no articles in %s", *corpus)
	}
	var w io.Writer = os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
		if strings.HasSuffix(*out, ".gz") {
			zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
			defer zw.Close()
			w = zw
		}
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	rng := rand.New(rand.NewPCG(*seed, uint64(*first)))
	end := time.Now().UTC().Truncate(time.Minute)
	span := int64(time.Duration(*years) * 365 * 24 * time.Hour / time.Minute)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for k := range *n {
		a := src[rng.IntN(len(src))]
		a.ID = fmt.Sprintf("gen-%d", *first+k)
		a.URL = "" // the copy is not the original's page
		a.Published = end.Add(-time.Duration(rng.Int64N(span)) * time.Minute).Format(time.RFC3339)
		a.Byline = reporters[rng.IntN(len(reporters))] + " " + lastNames[rng.IntN(len(lastNames))] + " - " +
			cities[rng.IntN(len(cities))]
		if rng.IntN(10) == 0 {
			a.Byline = "وكالات" // wire copy, no reporter
		}
		a.Tags = headlineTags(a.Title, 1+rng.IntN(3))
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func readCorpus(path string) ([]article, error) {
	var out []article
	err := corpus.Each(path, func(a article) {
		if a.Title != "" && a.Body != "" {
			out = append(out, a)
		}
	})
	return out, err
}

// headlineTags are up to n telling words of a headline: the longest words
// not in a short list of function words, as an editor's tags often are
// the names a headline carries.
func headlineTags(title string, n int) []string {
	var words []string
	for _, w := range strings.Fields(title) {
		w = strings.Trim(w, "\"'«»:؛،,.!?؟()[]-–—")
		if utf8.RuneCountInString(w) < 4 || functionWords[w] {
			continue
		}
		dup := false
		for _, x := range words {
			dup = dup || x == w
		}
		if !dup {
			words = append(words, w)
		}
	}
	for i := 1; i < len(words); i++ { // longest first, stable
		for j := i; j > 0 && utf8.RuneCountInString(words[j]) > utf8.RuneCountInString(words[j-1]); j-- {
			words[j], words[j-1] = words[j-1], words[j]
		}
	}
	return words[:min(n, len(words))]
}

var functionWords = map[string]bool{"التي": true, "الذي": true, "الذين": true, "بعد": true, "قبل": true, "على": true,
	"إلى": true, "حول": true, "خلال": true, "بين": true, "عن": true, "من": true, "في": true, "مع": true, "منذ": true,
	"هذا": true, "هذه": true, "ذلك": true, "تلك": true, "لدى": true, "حتى": true, "أمام": true, "ضد": true, "عبر": true,
	"يقول": true, "يؤكد": true, "تؤكد": true, "أكثر": true, "أول": true, "أمس": true, "اليوم": true, "بسبب": true}

// The reporter pool: 60 × 40 names, 40 cities.
var reporters = strings.Fields(`أحمد محمد علي حسن حسين خالد سعيد عمر يوسف إبراهيم سلمى هدى نادية منى ليلى سارة
	ريم نور دينا رنا ياسر طارق كريم سامي رامي وليد زياد فادي ماجد نبيل هشام عماد جمال كمال فيصل سلطان ناصر بدر فهد
	تركي مريم فاطمة زينب خديجة عائشة أسماء رانيا لينا جنى هالة سعاد وفاء أمل حنان إيمان شيماء دعاء مها عبير`)

var lastNames = strings.Fields(`الخطيب العلي الحسيني الزهراني القحطاني الشمري العتيبي المصري الشامي البغدادي الحلبي
	التونسي المغربي السوداني اليمني الحداد النجار الخياط العطار الصباغ الشريف الهاشمي الأنصاري الكندي التميمي
	الدوسري المطيري الغامدي الحربي السبيعي العنزي الرشيد السالم الفارس المنصور الجابر الراشد الناصر العمر الحسن`)

var cities = strings.Fields(`القاهرة الرياض جدة دبي أبوظبي الدوحة الكويت المنامة مسقط عمّان بيروت دمشق بغداد
	الخرطوم تونس الجزائر الرباط طرابلس صنعاء عدن القدس نابلس غزة أربيل البصرة الموصل الإسكندرية أسوان
	الدمام مكة المدينة تبوك أبها نواكشوط جيبوتي مقديشو لندن باريس واشنطن موسكو`)
