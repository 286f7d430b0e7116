// Command wirelat signs in to a running Sahafa server's newsroom and
// measures how long the wire desk's queue takes to answer: the grouped
// queue, a search, one source's page 20 and the urgent items, each
// requested -n times in turn. It prints p50/p95/max per page in
// milliseconds.
//
//	go run ./bench/wirelat --base http://127.0.0.1:8080 --email admin@example.com --password-file pw.txt
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wirelat:", err)
		os.Exit(1)
	}
}

func run() error {
	base := flag.String("base", "http://127.0.0.1:8080", "the server")
	email := flag.String("email", "", "a newsroom user")
	pwFile := flag.String("password-file", "", "file holding the user's password")
	n := flag.Int("n", 30, "requests of each page")
	flag.Parse()
	pw, err := os.ReadFile(*pwFile)
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 60 * time.Second}
	res, err := client.PostForm(*base+"/newsroom/login", url.Values{"email": {*email}, "password": {strings.TrimSpace(string(pw))}})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.Request.URL.Path == "/newsroom/login" {
		return fmt.Errorf("sign-in failed (%s)", res.Status)
	}
	pages := []struct{ name, path string }{
		{"queue (grouped)", "/newsroom/wire/"},
		{"search «السعودية»", "/newsroom/wire/?q=" + url.QueryEscape("السعودية")},
		{"one source, page 20", "/newsroom/wire/?source=1&page=20"},
		{"urgent only", "/newsroom/wire/?urgent=1"},
	}
	times := make([][]time.Duration, len(pages))
	for i := 0; i < *n; i++ {
		for k, p := range pages {
			start := time.Now()
			res, err := client.Get(*base + p.path)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %s", p.path, res.Status)
			}
			times[k] = append(times[k], time.Since(start))
		}
	}
	for k, p := range pages {
		t := times[k]
		slices.Sort(t)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		fmt.Printf("  %-22s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms\n", p.name, ms(t[len(t)/2]), ms(t[len(t)*95/100]), ms(t[len(t)-1]))
	}
	return nil
}
