// Package fetch is how the server fetches from other sites (an image a
// journalist pasted from a web page): bounded in size, time and number at
// once, over http and https only, and never to this machine or its
// private network, whatever the name resolves to — the check is made on
// the address connected to, so a name that resolves to 127.0.0.1 after a
// first public answer is refused too.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"sahafa/admission"
	"sahafa/news"
)

// Options size a Client. Zero fields take the defaults.
type Options struct {
	MaxBytes  int64         // largest body (default 20 MiB)
	Timeout   time.Duration // a whole fetch, redirects included (default 15 s)
	MaxAtOnce int           // fetches at once (default 4); 8 more wait up to 5 s
	// AllowPrivate lets fetches reach loopback and private addresses:
	// tests only.
	AllowPrivate bool
}

// Client fetches. It is safe for concurrent use.
type Client struct {
	http     *http.Client
	gate     *admission.Gate
	maxBytes int64
}

// New returns a Client.
func New(o Options) *Client {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 20 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.MaxAtOnce <= 0 {
		o.MaxAtOnce = 4
	}
	dialer := Dialer(o.AllowPrivate)
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConns:          8,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{
		http: &http.Client{Transport: transport, Timeout: o.Timeout,
			CheckRedirect: func(req *http.Request, via []*http.Request) error {
				if len(via) >= 3 {
					return errRedirects
				}
				return checkURL(req.URL)
			}},
		gate:     admission.New(o.MaxAtOnce, 8, 5*time.Second),
		maxBytes: o.MaxBytes,
	}
}

// Dialer is the dialer of every outbound connection the server makes to
// an address someone typed (an image, a wire source, a webhook's
// receiver): it refuses this machine and private networks, checked on the
// address connected to, unless allowPrivate. A refusal wraps ErrPrivate.
func Dialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	return d
}

// ErrPrivate is what Dialer's refusals wrap.
var ErrPrivate = errPrivate

// refusePrivate refuses a connection to an address of this machine or of
// a private network.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("fetch: unexpected address %q", address)
	}
	a := ap.Addr().Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast() || cgnat.Contains(a) {
		return errPrivate
	}
	return nil
}

var (
	cgnat        = netip.MustParsePrefix("100.64.0.0/10")
	errPrivate   = errors.New("the address is on this machine or a private network")
	errRedirects = errors.New("more than 3 redirects")
)

// temporary marks a failure worth trying again later: no answer in time,
// a connection cut, a server error or a "too many requests".
type temporary struct{ error }

func (t temporary) Unwrap() error { return t.error }

// Temporary reports whether a failed Get is worth trying again.
func Temporary(err error) bool {
	var t temporary
	return errors.As(err, &t)
}

func checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("only http and https addresses, not %q", u.Scheme)
	}
	if u.User != nil || u.Hostname() == "" {
		return errors.New("not a plain web address")
	}
	return nil
}

// Get fetches rawURL and returns its body and Content-Type. Every failure
// is a news error with an Arabic message: EINVALID for the address or
// what it answered, a busy *news.LimitedError when too many fetches run.
func (c *Client) Get(ctx context.Context, rawURL string) ([]byte, string, error) {
	res, err := c.Do(ctx, Request{URL: rawURL, UserAgent: "Sahafa (newsroom image fetch)"})
	if err != nil {
		return nil, "", err
	}
	return res.Body, res.Header.Get("Content-Type"), nil
}

// Request is a fetch with headers of its own: a conditional GET's
// validators, credentials. Go's client drops Authorization on a redirect
// to another host, so credentials never follow a redirect away.
type Request struct {
	URL       string
	Header    http.Header
	UserAgent string
	// Form, when set, is POSTed (application/x-www-form-urlencoded).
	Form url.Values
}

// Response is what a fetch got: 200 with its body, or 304 Not Modified
// (for a conditional request) with none.
type Response struct {
	Status int
	Body   []byte
	Header http.Header
}

// Do fetches as Get does, with the request's headers (or posts its
// form); it answers 200 and 304 (and, for a form, any 2xx), and every
// other status is an error.
func (c *Client) Do(ctx context.Context, r Request) (Response, error) {
	rawURL := r.URL
	u, err := url.Parse(rawURL)
	if err == nil {
		err = checkURL(u)
	}
	if err != nil {
		return Response{}, news.Errorf(news.EINVALID, "العنوان %q ليس عنوان صفحة على الويب", rawURL)
	}
	if err := c.gate.Enter(ctx); err != nil {
		if ctx.Err() != nil {
			return Response{}, ctx.Err()
		}
		return Response{}, &news.LimitedError{Message: "الخادم مشغول بجلب ملفات أخرى؛ حاول بعد قليل", RetryAfter: 5 * time.Second, Busy: true}
	}
	defer c.gate.Leave()
	method, form := http.MethodGet, io.Reader(nil)
	if r.Form != nil {
		method, form = http.MethodPost, strings.NewReader(r.Form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), form)
	if err != nil {
		return Response{}, news.Errorf(news.EINVALID, "العنوان %q غير صالح", rawURL)
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	if r.Form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.UserAgent == "" {
		r.UserAgent = "Sahafa"
	}
	req.Header.Set("User-Agent", r.UserAgent)
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Response{}, ctx.Err()
		}
		if errors.Is(err, errPrivate) {
			return Response{}, news.Errorf(news.EINVALID, "تعذّر الجلب من %s: العنوان على هذا الخادم أو في شبكة خاصة", u.Host)
		}
		if errors.Is(err, errRedirects) {
			return Response{}, news.Errorf(news.EINVALID, "تعذّر الجلب من %s: أكثر من 3 تحويلات", u.Host)
		}
		return Response{}, temporary{news.Errorf(news.EINVALID, "تعذّر الجلب من %s: لم يُجب الموقع", u.Host)}
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusNotModified && (r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "") {
		return Response{Status: res.StatusCode, Header: res.Header}, nil
	}
	if r.Form != nil && res.StatusCode >= 200 && res.StatusCode <= 299 {
		io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
		return Response{Status: res.StatusCode, Header: res.Header}, nil
	}
	if res.StatusCode != http.StatusOK {
		err := error(news.Errorf(news.EINVALID, "تعذّر الجلب من %s: أجاب الموقع بالرمز %d", u.Host, res.StatusCode))
		if res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusRequestTimeout {
			err = temporary{err}
		}
		return Response{}, err
	}
	if res.ContentLength > c.maxBytes {
		return Response{}, news.Errorf(news.EINVALID, "الملف في %s أكبر من الحد المسموح (%d ميغابايت)", u.Host, c.maxBytes>>20)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, c.maxBytes+1))
	if err != nil {
		return Response{}, temporary{news.Errorf(news.EINVALID, "انقطع الجلب من %s قبل أن يكتمل", u.Host)}
	}
	if int64(len(body)) > c.maxBytes {
		return Response{}, news.Errorf(news.EINVALID, "الملف في %s أكبر من الحد المسموح (%d ميغابايت)", u.Host, c.maxBytes>>20)
	}
	return Response{Status: res.StatusCode, Body: body, Header: res.Header}, nil
}
