// Command wxrgen writes a synthetic WordPress export (WXR 1.2) of an Arabic
// news site for import benchmarks (bench/wxr-import.sh):
//
//	go run ./bench/wxrgen -n 20000 -o /tmp/export.xml
//
// Posts come in every status, with categories, tags, authors, comments,
// [caption] and [gallery] shortcodes, bare video URLs, and a featured image
// (an attachment item) on every fourth post. The text is drawn from a word
// list; the same -seed gives the same file.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"sahafa/importer/wxr/wxrgen"
)

func main() {
	n := flag.Int("n", 20000, "number of posts")
	seed := flag.Uint64("seed", 1, "random seed")
	site := flag.String("site", "https://almadina.example.com", "the exported site's address")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "wxrgen: -n must be at least 1")
		os.Exit(2)
	}
	var w io.Writer = os.Stdout
	var f *os.File
	if *out != "-" {
		var err error
		if f, err = os.Create(*out); err != nil {
			fmt.Fprintln(os.Stderr, "wxrgen:", err)
			os.Exit(1)
		}
		w = f
	}
	st, err := wxrgen.Write(w, wxrgen.Options{Posts: *n, Seed: *seed, SiteURL: *site})
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wxrgen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "wxrgen: %d posts (%d published), %d attachments, %d pages, %d menu items, %d comments\n",
		st.Posts, st.Published, st.Attachments, st.Pages, st.MenuItems, st.Comments)
}
