// Command overload sends a bounded burst of the costly requests an attacker
// (or a busy morning) sends a Sahafa server — concurrent sign-ins with wrong
// passwords, large-image uploads, and previews of Markdown built to be slow
// — while sampling the server's resident memory, and prints how every
// request was answered: the counts by status, the requests that got no
// answer at all, the slowest answer of each kind, and the peak memory.
// bench/overload.sh runs it beside wrk.
//
//	go run ./bench/overload --base http://127.0.0.1:8080 --pid PID --users FILE [--rounds N]
//
// FILE lists newsroom users, "email password" per line; each uploads and
// previews as itself. Traffic goes only to --base, which must be a
// loopback address; every loop is bounded by --rounds.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "overload:", err)
		os.Exit(1)
	}
}

type user struct {
	email, password string
	client          *http.Client
	csrf            string
}

func run(args []string) error {
	fs := flag.NewFlagSet("overload", flag.ContinueOnError)
	base := fs.String("base", "", "base URL of the server (loopback only)")
	pid := fs.Int("pid", 0, "process id of the server, for its resident memory")
	usersFile := fs.String("users", "", `file of newsroom users, "email password" per line`)
	rounds := fs.Int("rounds", 20, "at most this many bursts, one after the other")
	duration := fs.Duration("duration", 20*time.Second, "send bursts for about this long (at most --rounds)")
	every := fs.Duration("every", 0, "start a burst at most this often (0: as soon as the last one is answered, so a server that refuses faster is sent more)")
	signIns := fs.Int("sign-ins", 200, "concurrent sign-ins per burst")
	uploads := fs.Int("uploads", 32, "concurrent image uploads per burst")
	previews := fs.Int("previews", 20, "concurrent nesting-bomb previews per burst")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(*base)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("--base: want a URL, got %q", *base)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--base: %s is not a loopback address; this program only loads a local server", u.Hostname())
	}
	users, err := signInAll(*base, *usersFile)
	if err != nil {
		return err
	}
	photo, bomb := makeImages()
	fmt.Printf("images: a %d×%d JPEG photo of %.1f MB and a %d×%d PNG of %d KB\n", 6000, 4000,
		float64(len(photo))/(1<<20), 6000, 6000, len(bomb)>>10)
	nesting := strings.Repeat(">", 200_000) + " نص"

	stopMem := make(chan struct{})
	memDone := make(chan int64)
	go func() { memDone <- sampleRSS(*pid, stopMem) }()
	baseRSS := rss(*pid)

	var st stats
	anonymous := &http.Client{Timeout: 120 * time.Second}
	start := time.Now()
	sent := 0
	for round := 0; round < *rounds && (round == 0 || time.Since(start) < *duration); round++ {
		sent++
		var wg sync.WaitGroup
		for i := range *signIns {
			wg.Go(func() {
				email := fmt.Sprintf("nobody%d-%d@example.com", round, i)
				if i%3 == 0 {
					email = users[i%len(users)].email // a real account, a wrong password
				}
				form := url.Values{"email": {email}, "password": {"تخمين خاطئ " + strconv.Itoa(i)}}
				req, _ := http.NewRequest("POST", *base+"/newsroom/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				st.do("sign-in", anonymous, req)
			})
		}
		for i := range *uploads {
			wg.Go(func() {
				us := users[i%len(users)]
				data := photo
				if i%2 == 1 {
					data = bomb
				}
				body, ctype := multipartImage(us.csrf, data)
				req, _ := http.NewRequest("POST", *base+"/newsroom/media/", bytes.NewReader(body))
				req.Header.Set("Content-Type", ctype)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				st.do("upload", us.client, req)
			})
		}
		for i := range *previews {
			wg.Go(func() {
				us := users[i%len(users)]
				form := url.Values{"body": {nesting}}
				req, _ := http.NewRequest("POST", *base+"/newsroom/preview", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-CSRF-Token", us.csrf)
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				st.do("preview", us.client, req)
			})
		}
		wg.Wait()
		if next := start.Add(time.Duration(round+1) * *every); *every > 0 && time.Until(next) > 0 && time.Until(next) < *duration-time.Since(start) {
			time.Sleep(time.Until(next))
		}
	}
	took := time.Since(start)
	close(stopMem)
	peak := <-memDone

	pace := "one after the other"
	if *every > 0 {
		pace = "one every " + every.String() + " at most"
	}
	fmt.Printf("burst: %d rounds (%s) of %d sign-ins, %d uploads and %d previews in %.1f s\n",
		sent, pace, *signIns, *uploads, *previews, took.Seconds())
	st.print()
	if *pid > 0 {
		fmt.Printf("server resident memory: %d MB before, peak %d MB during the burst\n", baseRSS>>20, peak>>20)
	}
	fmt.Printf("requests without an answer: %d\n", st.unanswered())
	return nil
}

// stats counts answers by kind and status.
type stats struct {
	mu      sync.Mutex
	counts  map[string]map[string]int
	slowest map[string]time.Duration
	errs    map[string]string
}

func (s *stats) do(kind string, c *http.Client, req *http.Request) {
	start := time.Now()
	res, err := c.Do(req)
	d := time.Since(start)
	key := ""
	if err != nil {
		key = "no answer"
	} else {
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		key = strconv.Itoa(res.StatusCode)
		if (res.StatusCode == 429 || res.StatusCode == 503) && res.Header.Get("Retry-After") == "" {
			key += " without Retry-After"
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts, s.slowest, s.errs = map[string]map[string]int{}, map[string]time.Duration{}, map[string]string{}
	}
	if s.counts[kind] == nil {
		s.counts[kind] = map[string]int{}
	}
	s.counts[kind][key]++
	s.slowest[kind] = max(s.slowest[kind], d)
	if err != nil {
		s.errs[kind] = err.Error()
	}
}

func (s *stats) print() {
	kinds := make([]string, 0, len(s.counts))
	for k := range s.counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		var parts []string
		for status, n := range s.counts[k] {
			parts = append(parts, fmt.Sprintf("%s ×%d", status, n))
		}
		sort.Strings(parts)
		fmt.Printf("  %-8s %s; slowest answer %.2f s\n", k, strings.Join(parts, ", "), s.slowest[k].Seconds())
		if e := s.errs[k]; e != "" {
			fmt.Printf("           last failure: %s\n", e)
		}
	}
}

func (s *stats) unanswered() int {
	n := 0
	for _, c := range s.counts {
		n += c["no answer"]
	}
	return n
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInAll signs every user of the file in, each with a client of its own.
func signInAll(base, file string) ([]*user, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("--users: %w", err)
	}
	defer f.Close()
	var users []*user
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		email, password, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		jar, _ := cookiejar.New(nil)
		u := &user{email: email, password: password, client: &http.Client{Jar: jar, Timeout: 120 * time.Second}}
		res, err := u.client.PostForm(base+"/newsroom/login", url.Values{"email": {email}, "password": {password}})
		if err != nil {
			return nil, fmt.Errorf("sign in %s: %w", email, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		res, err = u.client.Get(base + "/newsroom/media/")
		if err != nil {
			return nil, err
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := csrfRe.FindSubmatch(page)
		if m == nil {
			return nil, fmt.Errorf("sign in %s: no session (status %d)", email, res.StatusCode)
		}
		u.csrf = string(m[1])
		users = append(users, u)
	}
	if len(users) == 0 {
		return nil, errors.New("--users: no users")
	}
	return users, nil
}

// makeImages returns a noisy 24-megapixel JPEG, as a camera gives, and a
// 36-megapixel PNG of one colour that compresses to almost nothing.
func makeImages() (photo, bomb []byte) {
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewYCbCr(image.Rect(0, 0, 6000, 4000), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i%251) ^ uint8(rng.IntN(64))
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(100+rng.IntN(40)), uint8(120+rng.IntN(40))
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	photo = b.Bytes()
	gray := image.NewGray(image.Rect(0, 0, 6000, 6000))
	for i := range gray.Pix {
		gray.Pix[i] = color.Gray{Y: 180}.Y
	}
	var p bytes.Buffer
	png.Encode(&p, gray)
	return photo, p.Bytes()
}

func multipartImage(csrf string, data []byte) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", csrf)
	mw.WriteField("alt", "صورة من اختبار الحمل")
	fw, _ := mw.CreateFormFile("file", "photo")
	fw.Write(data)
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// rss is the resident memory of process pid, in bytes (0 when unknown).
func rss(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// sampleRSS samples rss every 20 ms until stop and returns the largest.
func sampleRSS(pid int, stop chan struct{}) int64 {
	var peak int64
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		peak = max(peak, rss(pid))
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}
