// Package comments is readers' comments: what a reader may post and how
// it is checked (sizes, the site's and the article's switch, a honeypot,
// rate limits per client and for the whole site, repeated and link-heavy
// text), the thread shown under an article, and moderation by the
// newsroom (approve, spam, trash, reply as the newsroom, an article's
// switch), with the role policy of package editorial. Comment text is
// plain text, rendered with its links marked rel="nofollow ugc".
package comments

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/editorial"
	"sahafa/news"
)

// Sizes of what a reader writes.
const (
	MaxNameRunes  = 60
	MaxEmailBytes = 254
	MaxTextRunes  = 3000
	// MaxLinks is the most links a comment may carry before it is taken
	// for spam; any link at all sends it to moderation.
	MaxLinks = 2
	// MaxThread is the most comments shown under one article (the oldest
	// first); past it the thread says how many more there are.
	MaxThread = 500
)

// Defaults of the limits (Options).
const (
	DefaultPerClient    = 5
	DefaultClientWindow = 10 * time.Minute
	DefaultPerMinute    = 60
)

// Options configure the service.
type Options struct {
	Store news.Store
	// PageChanged is told of an article whose page a comment changed
	// (one approved, removed or answered), to drop cached copies at once.
	PageChanged func(articleID int64)
	// PerClient comments per ClientWindow from one client address;
	// PerMinute from everyone together. Defaults above.
	PerClient    int
	ClientWindow time.Duration
	PerMinute    int
	Now          func() time.Time
	Logger       *slog.Logger
}

// Service posts, shows and moderates comments.
type Service struct {
	store   news.Store
	opts    Options
	log     *slog.Logger
	clients *windowLimiter
	site    *windowLimiter
	recent  *recentTexts
}

// New builds the service.
func New(opts Options) *Service {
	if opts.PerClient <= 0 {
		opts.PerClient = DefaultPerClient
	}
	if opts.ClientWindow <= 0 {
		opts.ClientWindow = DefaultClientWindow
	}
	if opts.PerMinute <= 0 {
		opts.PerMinute = DefaultPerMinute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.PageChanged == nil {
		opts.PageChanged = func(int64) {}
	}
	return &Service{store: opts.Store, opts: opts, log: opts.Logger,
		clients: newWindowLimiter(opts.PerClient, opts.ClientWindow, maxClients),
		site:    newWindowLimiter(opts.PerMinute, time.Minute, 1),
		recent:  newRecentTexts(time.Hour, 10000)}
}

// Policy is the site's comment settings.
type Policy struct {
	Mode      news.CommentMode // open, closed or off
	CloseDays int              // articles older than this take no new comments; 0 never closes
	// TrustKnown publishes at once the comments of a reader who already
	// has an approved one (by email address), when they carry no link.
	TrustKnown bool
}

// ParsePolicy reads the policy from the stored settings: comments are
// open, never close and all wait for moderation unless set otherwise.
func ParsePolicy(settings map[string]string) Policy {
	p := Policy{Mode: news.CommentsOpen}
	switch m := news.CommentMode(settings[news.SettingComments]); m {
	case news.CommentsClosed, news.CommentsOff:
		p.Mode = m
	}
	if n, err := strconv.Atoi(settings[news.SettingCommentsCloseDays]); err == nil && n > 0 {
		p.CloseDays = n
	}
	p.TrustKnown = settings[news.SettingCommentsModeration] == "known"
	return p
}

// State is whether an article shows comments and takes new ones.
type State struct {
	Shown bool
	Open  bool
	// Closed says why an article that shows comments takes no more.
	Closed string
}

// For is the state of article a with its own mode own, at now.
func (p Policy) For(a news.Article, own news.CommentMode, now time.Time) State {
	mode := p.Mode
	if own != news.CommentsSiteDefault {
		mode = own
	}
	switch mode {
	case news.CommentsOff:
		return State{}
	case news.CommentsClosed:
		return State{Shown: true, Closed: "التعليق مغلق على هذا المقال."}
	}
	if a.Status != news.StatusPublished {
		return State{Shown: true, Closed: "التعليق مغلق على هذا المقال."}
	}
	// The site's age limit does not close an article an editor opened
	// on purpose.
	if own == news.CommentsSiteDefault && p.CloseDays > 0 && now.Sub(a.PublishedAt) > time.Duration(p.CloseDays)*24*time.Hour {
		return State{Shown: true, Closed: fmt.Sprintf("أُغلق التعليق بعد %d يومًا من النشر.", p.CloseDays)}
	}
	return State{Shown: true, Open: true}
}

// Thread is what an article shows of its comments.
type Thread struct {
	State
	Count int // approved comments in all
	Items []Item
	More  int // approved comments past MaxThread, not shown
}

// Item is one comment as shown, in reading order: each answer follows
// the comment it answers, Depth deep (at most maxDepth).
type Item struct {
	ID           int64
	Anchor       string // the element id, "comment-12"
	Author       string
	Staff        bool // a reply of the newsroom
	At           time.Time
	Text         Text
	Depth        int
	ParentID     int64  // the comment answered, for a reply
	ParentAuthor string // its author
	ParentAnchor string
}

const maxDepth = 3

// Thread returns article a's comments as shown under it with policy p.
func (s *Service) Thread(ctx context.Context, a news.Article, p Policy) (Thread, error) {
	list, own, err := s.store.ArticleComments(ctx, a.ID)
	if err != nil {
		return Thread{}, err
	}
	st := p.For(a, own, s.opts.Now())
	if !st.Shown {
		return Thread{State: st}, nil
	}
	return NewThread(st, list), nil
}

// NewThread is the thread of approved comments list (oldest first) in
// state st: at most MaxThread of them, in reading order.
func NewThread(st State, list []news.Comment) Thread {
	t := Thread{State: st, Count: len(list)}
	if len(list) > MaxThread {
		t.More, list = len(list)-MaxThread, list[:MaxThread]
	}
	t.Items = Order(list)
	return t
}

// Order puts answers after the comments they answer (oldest first
// at each level); an answer to a comment not shown is a comment of its
// own. Cycles in imported data end where they loop.
func Order(list []news.Comment) []Item {
	byExt := make(map[string]int, len(list))
	for i, c := range list {
		if c.ExternalID != "" {
			byExt[c.ExternalID] = i
		}
	}
	children := make(map[int][]int, len(list))
	var roots []int
	for i, c := range list {
		if p, ok := byExt[c.ParentID]; ok && c.ParentID != "" && p != i {
			children[p] = append(children[p], i)
		} else {
			roots = append(roots, i)
		}
	}
	out := make([]Item, 0, len(list))
	seen := make([]bool, len(list))
	var walk func(i, depth, parent int)
	walk = func(i, depth, parent int) {
		if seen[i] {
			return
		}
		seen[i] = true
		c := list[i]
		it := Item{ID: c.ID, Anchor: anchor(c.ID), Author: c.Author, Staff: c.UserID != 0, At: c.At,
			Text: Render(c), Depth: min(depth, maxDepth)}
		if parent >= 0 {
			it.ParentID, it.ParentAuthor, it.ParentAnchor = list[parent].ID, list[parent].Author, anchor(list[parent].ID)
		}
		out = append(out, it)
		for _, ch := range children[i] {
			walk(ch, depth+1, i)
		}
	}
	for _, r := range roots {
		walk(r, 0, -1)
	}
	// What a cycle left out (no root leads to it) is shown on its own.
	for i := range list {
		walk(i, 0, -1)
	}
	return out
}

func anchor(id int64) string { return "comment-" + strconv.FormatInt(id, 10) }

// Input is what a reader sends.
type Input struct {
	ArticleID int64
	ParentID  int64 // the comment answered, 0 for none
	Name      string
	Email     string
	Text      string
	// Honeypot is a field readers do not see; a robot that fills it is
	// answered as if its comment were taken, and nothing is stored.
	Honeypot string
	Client   string // the client's address, for the rate limit
}

// Result is what became of a posted comment.
type Result struct {
	Comment news.Comment
	Held    bool // waiting for moderation (or taken for spam, which a reader is not told)
}

// Post checks and stores a reader's comment. Refusals: news.FieldErrors
// for what the reader should correct (the form is shown again with it),
// ENOTFOUND for no such published article, EFORBIDDEN when the article
// takes no comments, news.LimitedError over a rate limit.
func (s *Service) Post(ctx context.Context, in Input) (Result, error) {
	a, err := s.store.Article(ctx, in.ArticleID)
	if err != nil {
		return Result{}, err
	}
	settings, err := s.store.Settings(ctx)
	if err != nil {
		return Result{}, err
	}
	p := ParsePolicy(settings)
	_, own, err := s.store.ArticleComments(ctx, a.ID)
	if err != nil {
		return Result{}, err
	}
	if st := p.For(a, own, s.opts.Now()); !st.Open {
		msg := st.Closed
		if !st.Shown {
			msg = "لا يقبل هذا المقال التعليقات."
		}
		return Result{}, news.Errorf(news.EFORBIDDEN, "%s", msg)
	}
	if strings.TrimSpace(in.Honeypot) != "" {
		s.log.InfoContext(ctx, "comments: honeypot filled, nothing stored", "article", a.ID, "address", in.Client)
		return Result{Held: true}, nil
	}
	// What the reader must correct is said before the limits count the
	// attempt: correcting a form costs nothing.
	c, errs := check(in)
	if err := errs.Err(); err != nil {
		return Result{}, err
	}
	now := s.opts.Now()
	if wait, ok := s.clients.take(in.Client, now); !ok {
		return Result{}, &news.LimitedError{RetryAfter: wait,
			Message: fmt.Sprintf("أرسلت تعليقات كثيرة في وقت قصير. انتظر %s ثم أرسل تعليقك؛ ما كتبته باقٍ في النموذج.", waitText(wait))}
	}
	if wait, ok := s.site.take("", now); !ok {
		return Result{}, &news.LimitedError{RetryAfter: wait, Busy: true,
			Message: "وصلتنا تعليقات كثيرة في هذه الدقيقة. حاول بعد قليل؛ ما كتبته باقٍ في النموذج."}
	}
	var parent news.Comment
	if in.ParentID != 0 {
		parent, err = s.store.Comment(ctx, in.ParentID)
		switch {
		case news.ErrorCode(err) == news.ENOTFOUND || (err == nil && (parent.ArticleID != a.ID || parent.Status != news.CommentApproved)):
			errs.Add("parent", "التعليق الذي ترد عليه غير موجود في هذا المقال.")
		case err != nil:
			return Result{}, err
		default:
			c.ParentID = parent.ExternalID
		}
	}
	if err := errs.Err(); err != nil {
		return Result{}, err
	}
	key := strconv.FormatInt(a.ID, 10) + "\x00" + arabic.Normalize(c.Text)
	if !s.recent.add(key, now) {
		return Result{}, news.FieldErrors{"text": "أرسلت هذا التعليق من قبل؛ سيظهر بعد المراجعة."}
	}
	c.ArticleID, c.At, c.Status = a.ID, now, news.CommentPending
	switch links := countLinks(c.Text) + countLinks(c.Author); {
	case links > MaxLinks:
		c.Status = news.CommentSpam
	case links == 0 && p.TrustKnown && c.AuthorEmail != "":
		known, err := s.store.KnownCommenter(ctx, c.AuthorEmail)
		if err != nil {
			return Result{}, err
		}
		if known {
			c.Status = news.CommentApproved
		}
	}
	stored, err := s.store.AddComment(ctx, c)
	if err != nil {
		s.recent.forget(key) // not stored: the reader may send it again
		return Result{}, err
	}
	if stored.Status == news.CommentApproved {
		s.opts.PageChanged(a.ID)
	}
	return Result{Comment: stored, Held: stored.Status != news.CommentApproved}, nil
}

// check cleans and checks a reader's fields.
func check(in Input) (news.Comment, news.FieldErrors) {
	errs := news.FieldErrors{}
	name := strings.Join(strings.Fields(cleanText(in.Name)), " ")
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		errs.Add("name", "اكتب اسمك.")
	case n > MaxNameRunes:
		errs.Add("name", fmt.Sprintf("الاسم أطول من %d حرفًا.", MaxNameRunes))
	case countLinks(name) > 0:
		errs.Add("name", "اكتب اسمك بلا روابط.")
	}
	email := strings.TrimSpace(in.Email)
	if email != "" {
		addr, err := mail.ParseAddress(email)
		if err != nil || addr.Address != email || len(email) > MaxEmailBytes || !strings.Contains(email[strings.LastIndex(email, "@")+1:], ".") {
			errs.Add("email", "البريد الإلكتروني غير صالح: اكتبه مثل name@example.com أو اتركه فارغًا.")
		}
	}
	text := strings.TrimSpace(cleanText(in.Text))
	switch n := utf8.RuneCountInString(text); {
	case n == 0:
		errs.Add("text", "اكتب تعليقك.")
	case n > MaxTextRunes:
		errs.Add("text", fmt.Sprintf("التعليق أطول من %d حرف (كتبت %d): اختصره ثم أرسله.", MaxTextRunes, n))
	}
	return news.Comment{Author: name, AuthorEmail: email, Text: text}, errs
}

// cleanText drops what has no place in a comment: control characters
// (line breaks aside), bidi overrides that reorder what others read, and
// invalid UTF-8; line breaks become \n, and runs of blank lines one.
func cleanText(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"), "")
	s = arabic.StripBidiControls(s)
	s = strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if strings.TrimSpace(l) == "" {
			if blank++; blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// waitText says a wait in Arabic minutes or seconds.
func waitText(d time.Duration) string {
	if d >= time.Minute {
		return fmt.Sprintf("%d دقيقة", int((d+time.Minute-1)/time.Minute))
	}
	return fmt.Sprintf("%d ثانية", max(1, int((d+time.Second-1)/time.Second)))
}

// Moderation.

func (s *Service) may(u news.User) error {
	if !editorial.Can(u, editorial.ActModerate, nil) {
		return news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لمراجعة التعليقات")
	}
	return nil
}

// Queue lists comments for moderation, with the count of each status.
func (s *Service) Queue(ctx context.Context, u news.User, f news.CommentFilter) (news.CommentList, map[news.CommentStatus]int, error) {
	if err := s.may(u); err != nil {
		return news.CommentList{}, nil, err
	}
	if f.Status != "" && !f.Status.Valid() {
		return news.CommentList{}, nil, news.Errorf(news.EINVALID, "حالة غير معروفة: %q", f.Status)
	}
	list, err := s.store.CommentQueue(ctx, f)
	if err != nil {
		return news.CommentList{}, nil, err
	}
	counts, err := s.store.CommentStatusCounts(ctx)
	return list, counts, err
}

// Comment returns one comment, for a moderator.
func (s *Service) Comment(ctx context.Context, u news.User, id int64) (news.Comment, error) {
	if err := s.may(u); err != nil {
		return news.Comment{}, err
	}
	return s.store.Comment(ctx, id)
}

// MaxBulk is the most comments one moderation moves.
const MaxBulk = 200

// Moderate moves comments to a status, all or none.
func (s *Service) Moderate(ctx context.Context, u news.User, ids []int64, st news.CommentStatus) error {
	if err := s.may(u); err != nil {
		return err
	}
	switch {
	case !st.Valid():
		return news.Errorf(news.EINVALID, "حالة غير معروفة: %q", st)
	case len(ids) == 0:
		return news.Errorf(news.EINVALID, "اختر تعليقًا واحدًا على الأقل.")
	case len(ids) > MaxBulk:
		return news.Errorf(news.EINVALID, "اختر %d تعليقًا على الأكثر في المرة الواحدة.", MaxBulk)
	}
	changed, err := s.store.SetCommentStatus(ctx, ids, st)
	if err != nil {
		return err
	}
	for _, a := range changed {
		s.opts.PageChanged(a)
	}
	return nil
}

// Reply answers comment parentID as the newsroom, under u's name: the
// reply is published at once, and so is the comment it answers.
func (s *Service) Reply(ctx context.Context, u news.User, parentID int64, text string) (news.Comment, error) {
	if err := s.may(u); err != nil {
		return news.Comment{}, err
	}
	parent, err := s.store.Comment(ctx, parentID)
	if err != nil {
		return news.Comment{}, err
	}
	c, errs := check(Input{Name: u.Name, Text: text})
	if msg, bad := errs["text"]; bad {
		return news.Comment{}, news.FieldErrors{"text": msg}
	}
	if parent.Status != news.CommentApproved {
		if _, err := s.store.SetCommentStatus(ctx, []int64{parent.ID}, news.CommentApproved); err != nil {
			return news.Comment{}, err
		}
	}
	c.ArticleID, c.ParentID, c.UserID, c.Status, c.At = parent.ArticleID, parent.ExternalID, u.ID, news.CommentApproved, s.opts.Now()
	c.AuthorEmail = ""
	stored, err := s.store.AddComment(ctx, c)
	if err != nil {
		return news.Comment{}, err
	}
	s.opts.PageChanged(parent.ArticleID)
	return stored, nil
}

// SetMode sets an article's own switch ("" follows the site's).
func (s *Service) SetMode(ctx context.Context, u news.User, articleID int64, mode news.CommentMode) error {
	if err := s.may(u); err != nil {
		return err
	}
	if !mode.Valid() {
		return news.Errorf(news.EINVALID, "اختر: حسب إعداد الموقع، مفتوح، مغلق أو مخفي")
	}
	if err := s.store.SetCommentMode(ctx, articleID, mode); err != nil {
		return err
	}
	s.opts.PageChanged(articleID)
	return nil
}

// Mode returns an article's own switch, for a moderator.
func (s *Service) Mode(ctx context.Context, u news.User, articleID int64) (news.CommentMode, error) {
	if err := s.may(u); err != nil {
		return "", err
	}
	_, mode, err := s.store.ArticleComments(ctx, articleID)
	return mode, err
}

// Limits.

// maxClients bounds the client addresses the rate limit remembers; past
// it the oldest windows are dropped first.
const maxClients = 100000

// windowLimiter allows max events per window for each key (fixed
// windows starting at a key's first event).
type windowLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	keys   int
	seen   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

func newWindowLimiter(max int, w time.Duration, keys int) *windowLimiter {
	return &windowLimiter{max: max, window: w, keys: keys, seen: map[string]*window{}}
}

// take counts an event of key at now, or says how long until it may.
func (l *windowLimiter) take(key string, now time.Time) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.seen[key]
	if w == nil || now.Sub(w.start) >= l.window {
		if w == nil && len(l.seen) >= l.keys {
			l.prune(now)
		}
		l.seen[key] = &window{start: now, n: 1}
		return 0, true
	}
	if w.n >= l.max {
		return w.start.Add(l.window).Sub(now), false
	}
	w.n++
	return 0, true
}

// prune forgets ended windows, and when none has ended the oldest half.
func (l *windowLimiter) prune(now time.Time) {
	for k, w := range l.seen {
		if now.Sub(w.start) >= l.window {
			delete(l.seen, k)
		}
	}
	if len(l.seen) < l.keys {
		return
	}
	cut := now.Add(-l.window / 2)
	for k, w := range l.seen {
		if w.start.Before(cut) || len(l.seen) >= l.keys {
			delete(l.seen, k)
		}
	}
}

// recentTexts remembers what was posted lately, to refuse the same
// comment twice (a double click, a robot).
type recentTexts struct {
	mu    sync.Mutex
	keep  time.Duration
	max   int
	texts map[string]time.Time
}

func newRecentTexts(keep time.Duration, max int) *recentTexts {
	return &recentTexts{keep: keep, max: max, texts: map[string]time.Time{}}
}

// add reports whether key is new within keep, and remembers it.
func (r *recentTexts) add(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if at, ok := r.texts[key]; ok && now.Sub(at) < r.keep {
		return false
	}
	if len(r.texts) >= r.max {
		for k, at := range r.texts {
			if now.Sub(at) >= r.keep || len(r.texts) >= r.max {
				delete(r.texts, k)
			}
		}
	}
	r.texts[key] = now
	return true
}

func (r *recentTexts) forget(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.texts, key)
}
