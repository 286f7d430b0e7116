// Command pagelat measures how long a running Sahafa server takes to make
// each kind of page — an article, the home page, a section, the archive,
// the sitemap and the feed — by requesting each several times in turn
// (run the server with --page-cache 0, so that every request is a
// render). Articles are picked at random from the sitemap, across the
// whole archive. It prints p50/p95/max per kind, in milliseconds.
//
//	go run ./bench/pagelat --base http://127.0.0.1:8080 [--n 20] [--articles 200]
package main

import (
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "pagelat:", err)
		os.Exit(1)
	}
}

var client = &http.Client{Timeout: 60 * time.Second}

func run() error {
	base := flag.String("base", "http://127.0.0.1:8080", "the server")
	n := flag.Int("n", 20, "requests of each list page")
	articles := flag.Int("articles", 200, "articles, each requested once")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost") {
		return fmt.Errorf("--base must be a loopback address")
	}
	var sections struct {
		Sections []struct {
			Slug string `json:"slug"`
		} `json:"sections"`
	}
	if err := getJSON(*base+"/api/v1/sections", &sections); err != nil || len(sections.Sections) == 0 {
		return fmt.Errorf("sections: %v", err)
	}
	paths, err := sitemapArticles(*base)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, 7))
	rng.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	paths = paths[:min(*articles, len(paths))]
	kinds := []struct {
		name  string
		paths []string
	}{
		{"article", paths},
		{"home", repeat("/", *n)},
		{"section", repeat("/"+url.PathEscape(sections.Sections[0].Slug)+"/", *n)},
		{"section p.50", repeat("/"+url.PathEscape(sections.Sections[0].Slug)+"/?page=50", *n)},
		{"archive", repeat("/archive/", *n)},
		{"sitemap", repeat("/sitemap.xml", *n)},
		{"feed", repeat("/feed/", *n)},
	}
	fmt.Printf("%-13s %6s %9s %9s %9s\n", "page", "n", "p50 ms", "p95 ms", "max ms")
	for _, k := range kinds {
		var took []time.Duration
		for _, p := range k.paths {
			start := time.Now()
			code, err := get(*base + p)
			if err != nil {
				return err
			}
			if code == http.StatusNotFound && strings.Contains(p, "?page=") {
				break // a small archive has fewer pages
			}
			if code != http.StatusOK {
				return fmt.Errorf("GET %s: %d", p, code)
			}
			took = append(took, time.Since(start))
		}
		if len(took) == 0 {
			fmt.Printf("%-13s %6s\n", k.name, "—")
			continue
		}
		slices.Sort(took)
		fmt.Printf("%-13s %6d %9.1f %9.1f %9.1f\n", k.name, len(took), ms(pct(took, 50)), ms(pct(took, 95)), ms(took[len(took)-1]))
	}
	return nil
}

func repeat(p string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = p
	}
	return out
}

func pct(d []time.Duration, p int) time.Duration { return d[min(len(d)-1, len(d)*p/100)] }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func get(u string) (int, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func getJSON(u string, v any) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// sitemapArticles are the article paths of every sitemap the index lists.
func sitemapArticles(base string) ([]string, error) {
	var index struct {
		Maps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	if err := getXML(base+"/sitemap.xml", &index); err != nil {
		return nil, fmt.Errorf("sitemap index: %w", err)
	}
	var paths []string
	for _, m := range index.Maps {
		var set struct {
			URLs []struct {
				Loc string `xml:"loc"`
			} `xml:"url"`
		}
		loc, err := url.Parse(m.Loc)
		if err != nil {
			return nil, err
		}
		if err := getXML(base+loc.RequestURI(), &set); err != nil {
			return nil, fmt.Errorf("sitemap %s: %w", m.Loc, err)
		}
		for _, u := range set.URLs {
			if l, err := url.Parse(u.Loc); err == nil && strings.Count(l.Path, "/") >= 5 {
				paths = append(paths, l.EscapedPath())
			}
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("no articles in the sitemaps")
	}
	return paths, nil
}

func getXML(u string, v any) error {
	resp, err := client.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return xml.NewDecoder(resp.Body).Decode(v)
}
