package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/store/postgres"
	"sahafa/store/teststores/pgtest"
)

// TestTwoServersReplica runs two servers that read from a real streaming
// replica (--db-read) of their primary, the way a site past one machine
// runs, and checks the three promises over HTTP: an article
// imported beside them is on both home pages within a second (and the
// pages were read from the replica, not the primary); the newsroom sees
// its own save at once even while the replica replays nothing; and a
// replica stopped under load costs readers no error — the primary takes
// over.
func TestTwoServersReplica(t *testing.T) {
	pgtest.RequireDSN(t)
	rep := pgtest.StartReplica(t)
	schema, dsn := pgtest.NewSchema(t)
	dsn, err := pgtest.WithParam(dsn, "application_name", appName)
	if err != nil {
		t.Fatal(err)
	}
	readDSN, err := pgtest.WithParam(rep.DSN, "search_path", schema)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "import", "--db", dsn, writeJSONL(t, "seed.jsonl", 1, 40)); err != nil {
		t.Fatalf("seed import: %v\n%s", err, out)
	}
	addEditor(t, "--db", dsn)
	args := []string{"--db", dsn, "--db-read", readDSN, "--db-read-max-lag", "1s", "--no-demo",
		"--warm-related=false", "--drain-delay=0s", "--readership=false", "--metrics-addr", "127.0.0.1:0"}
	servers := []*testServer{startServerWith(t, args...), startServerWith(t, args...)}
	client := &http.Client{Timeout: 10 * time.Second}
	metric := func(ts *testServer, name string) float64 {
		t.Helper()
		m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(fetch(t, client, ts.metrics).body)
		if m == nil {
			t.Fatalf("no %s in the metrics", name)
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		return v
	}
	for i, ts := range servers {
		for deadline := time.Now().Add(10 * time.Second); metric(ts, "sahafa_db_replica1_up") != 1; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("server %d: the replica is not in use 10 s after the start", i+1)
			}
		}
		fetch(t, client, ts.base+"/")
	}

	// 1. A publish beside the servers is on both home pages within a second.
	const headline = "افتتاح محطة لتحلية مياه البحر في المدينة الساحلية"
	readsBefore := []float64{metric(servers[0], "sahafa_db_replica1_reads_total"), metric(servers[1], "sahafa_db_replica1_reads_total")}
	importArticle(t, dsn, map[string]string{
		"id": "replica-1", "url": "https://example.com/desalination", "source": "example", "section": "local",
		"title": headline, "published": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		"byline": "الإسكندرية - منى فؤاد", "body": "افتتحت المحافظة محطة جديدة لتحلية مياه البحر تكفي حاجة مئة ألف نسمة.",
	})
	committed := time.Now()
	for i, ts := range servers {
		for {
			if r := fetch(t, client, ts.base+"/"); r.code == http.StatusOK && strings.Contains(r.body, headline) {
				t.Logf("server %d: the new article was on the home page %v after the import committed", i+1, time.Since(committed).Round(time.Millisecond))
				break
			}
			if time.Since(committed) > time.Second {
				t.Fatalf("server %d: the new article is not on the home page within 1 s", i+1)
			}
			time.Sleep(5 * time.Millisecond)
		}
		// Until the replica has replayed the publish the primary serves
		// (how long depends on the machine's load); then the replica does,
		// and what it serves holds the new article.
		for n := 0; ; n++ {
			r := fetch(t, client, ts.base+"/search?q="+url.QueryEscape("تحلية المياه")+"&n="+strconv.Itoa(n))
			if !strings.Contains(r.body, "البحر في المدينة الساحلية") {
				t.Fatalf("server %d: a search after the publish lacks the new article (%d)", i+1, r.code)
			}
			if got := metric(ts, "sahafa_db_replica1_reads_total"); got > readsBefore[i] {
				break
			}
			if time.Since(committed) > 5*time.Second {
				t.Errorf("server %d: no read went to the replica in the 5 s after the publish", i+1)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// 2. The newsroom sees its own save while the replica replays nothing.
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.Articles(context.Background(), news.ArticleFilter{Limit: 1})
	if err != nil || len(list.Articles) == 0 {
		t.Fatalf("no article: %v", err)
	}
	a := list.Articles[0]
	super, err := pgx.Connect(context.Background(), rep.SuperuserDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer super.Close(context.Background())
	if _, err := super.Exec(context.Background(), `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	editor, csrf := signInEditor(t, servers[0].base, a.ID)
	for n := range 3 {
		correction := fmt.Sprintf("صُحّح رقم السكان في الفقرة الأولى (%d)", n+1)
		if code := postCorrection(t, editor, servers[0].base, a.ID, csrf, correction); code != http.StatusOK {
			t.Fatalf("correction %d: %d", n+1, code)
		}
		if r := fetch(t, editor, fmt.Sprintf("%s/newsroom/articles/%d", servers[0].base, a.ID)); !strings.Contains(r.body, correction) {
			t.Errorf("correction %d: not on the newsroom's editor page right after its save", n+1)
		}
	}
	if _, err := super.Exec(context.Background(), `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}

	// 3. The replica stopped under load: every reader's request answered.
	var answered, failed atomic.Int64
	var firstFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	words := []string{"الحكومة", "خطة", "المزارعين", "الجفاف", "الريفية", "تحلية", "المناطق", "موسم"}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ts := servers[(w+i)%2]
				// Unique addresses: the page cache cannot answer them, so
				// every request reads the database.
				u := fmt.Sprintf("%s/search/?q=%s&page=%d", ts.base, url.QueryEscape(words[(w+i)%len(words)]), 1+i%3)
				if i%2 == 1 {
					u = fmt.Sprintf("%s/api/v1/articles?limit=5&offset=%d", ts.base, (w*1000+i)%40)
				}
				resp, err := client.Get(u + "&n=" + strconv.Itoa(w*100000+i))
				if err == nil {
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
					if err == nil {
						err = fmt.Errorf("%d", resp.StatusCode)
					}
					firstFailure.CompareAndSwap(nil, fmt.Sprintf("GET %s: %v", u, err))
					continue
				}
				answered.Add(1)
			}
		}()
	}
	time.Sleep(time.Second)
	beforeStop := answered.Load()
	rep.Ctl.Stop(t)
	stopped := time.Now()
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("under load: %d reads answered before the replica stopped, %d in all, %d failed", beforeStop, answered.Load(), failed.Load())
	if n := failed.Load(); n > 0 {
		t.Errorf("%d reads failed after the replica stopped; the first: %v", n, firstFailure.Load())
	}
	if answered.Load()-beforeStop < 20 {
		t.Errorf("only %d reads answered in the 2 s after the replica stopped", answered.Load()-beforeStop)
	}
	for i, ts := range servers {
		if metric(ts, "sahafa_db_replica1_up") != 0 {
			t.Errorf("server %d: the stopped replica still counts as up %v after it stopped", i+1, time.Since(stopped).Round(time.Millisecond))
		}
	}
}
