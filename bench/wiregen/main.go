// Command wiregen writes agency copy for the wire desk's benchmark: N
// NewsML-G2 news items in one newsMessage file, from the shared corpora's
// real Arabic articles (read from ../shared at run time, never stored in
// the repository). -outlets picks which of SaudiNewsNet's outlets the
// items come from, so that two files stand for two agencies that covered
// the same weeks (the desk groups their common stories); -first numbers
// the items so that files made apart do not share ids.
//
//	go run ./bench/wiregen -n 10000 -outlets even -o /tmp/agency-a.xml
package main

import (
	"bufio"
	"encoding/xml"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sahafa/bench/internal/corpus"
	"sahafa/bench/internal/repo"
)

type article struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Title     string `json:"title"`
	Published string `json:"published"`
	Byline    string `json:"byline"`
	Body      string `json:"body"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "wiregen:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 10_000, "items to write")
	first := flag.Int("first", 0, "number of the first item")
	outlets := flag.String("outlets", "all", "all, even or odd: which outlets (by a hash of their name) the items come from")
	corpus := flag.String("corpus", filepath.Join(repo.Root(), "..", "shared", "corpus"), "folder of the shared corpora")
	out := flag.String("o", "-", "output file, - for standard output")
	flag.Parse()
	if *n <= 0 {
		return fmt.Errorf("-n must be positive")
	}
	var src []article
	for _, name := range []string{"saudinewsnet.jsonl.gz", "ant-v2.1.jsonl.gz"} {
		got, err := readCorpus(filepath.Join(*corpus, name), *outlets)
		if err != nil {
			return err
		}
		src = append(src, got...)
	}
	if len(src) == 0 {
		return fmt.Errorf("no articles in %s", *corpus)
	}
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>`+time.Now().UTC().Format(time.RFC3339)+`</sent></header><itemSet>`+"\n")
	for i := 0; i < *n; i++ {
		a := src[i%len(src)]
		k := *first + i
		urgency := []int{3, 4, 4, 5, 5, 5, 5, 6, 6, 1}[k%10]
		fmt.Fprintf(bw, `<newsItem guid="urn:newsml:wiregen.example:%d" version="1" standard="NewsML-G2" xml:lang="ar"><itemMeta><itemClass qcode="ninat:text"/><versionCreated>%s</versionCreated><pubStatus qcode="stat:usable"/></itemMeta>`,
			k, xmlText(a.Published))
		fmt.Fprintf(bw, `<contentMeta><urgency>%d</urgency><headline>%s</headline><by>%s</by><language tag="ar"/></contentMeta>`,
			urgency, xmlText(a.Title), xmlText(a.Byline))
		fmt.Fprint(bw, `<contentSet><inlineXML contenttype="application/nitf+xml"><nitf><body><body.content>`)
		for _, p := range strings.Split(a.Body, "\n") {
			if p = strings.TrimSpace(p); p != "" {
				fmt.Fprintf(bw, "<p>%s</p>", xmlText(p))
			}
		}
		fmt.Fprint(bw, "</body.content></body></nitf></inlineXML></contentSet></newsItem>\n")
	}
	fmt.Fprint(bw, "</itemSet></newsMessage>\n")
	return bw.Flush()
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func readCorpus(path, outlets string) ([]article, error) {
	var out []article
	err := corpus.Each(path, func(a article) {
		if a.Title == "" || a.Body == "" {
			return
		}
		h := fnv.New32a()
		h.Write([]byte(a.Source))
		if odd := h.Sum32()%2 == 1; (outlets == "even" && odd) || (outlets == "odd" && !odd) {
			return
		}
		a.Body = strings.ReplaceAll(a.Body, "\n\n", "\n")
		out = append(out, a)
	})
	return out, err
}
