package comments_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sahafa/comments"
	"sahafa/news"
	"sahafa/store/teststores"
)

type fixture struct {
	store   news.Store
	svc     *comments.Service
	now     time.Time
	changed []int64
	article news.Article
	users   map[news.Role]news.User
}

func newFixture(t *testing.T, open teststores.OpenFunc, opts comments.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{store: open(t), now: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), users: map[news.Role]news.User{}}
	opts.Store, opts.Now = f.store, func() time.Time { return f.now }
	opts.PageChanged = func(id int64) { f.changed = append(f.changed, id) }
	f.svc = comments.New(opts)
	res, err := f.store.SaveArticles(ctx, []news.ArticleRecord{{Article: news.Article{
		Section: news.Section{Slug: "world", Name: "اخبار العالم"}, Slug: "water-talks", Status: news.StatusPublished,
		Title: "محادثات المياه تبدأ في القاهرة", Body: "<p>بدأت في القاهرة اليوم محادثات بين دول حوض النيل حول تقاسم المياه.</p>",
		PublishedAt: f.now.Add(-48 * time.Hour)}, SearchTitle: "محادث مياه"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.article, err = f.store.Article(ctx, res.IDs[0]); err != nil {
		t.Fatal(err)
	}
	for i, r := range news.Roles {
		u, err := f.store.CreateUser(ctx, news.User{Email: fmt.Sprintf("%s%d@example.org", r, i), Name: "محرر " + string(r), Role: r, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		f.users[r] = u
	}
	return f
}

func (f *fixture) post(in comments.Input) (comments.Result, error) {
	if in.ArticleID == 0 {
		in.ArticleID = f.article.ID
	}
	if in.Client == "" {
		in.Client = "192.0.2.1"
	}
	return f.svc.Post(context.Background(), in)
}

func (f *fixture) stored(t *testing.T) []news.Comment {
	t.Helper()
	all, err := f.store.Comments(context.Background(), f.article.ID)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestPost(t *testing.T) { teststores.Each(t, testPost) }

// testPost: a reader's comment waits for moderation; what the reader must
// correct comes back per field, and nothing is stored.
func testPost(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, comments.Options{})
	res, err := f.post(comments.Input{Name: "  هدى   سالم ", Email: "huda@example.org", Text: "مقال مفيد.\r\n\r\n\r\n\r\nوأتمنى متابعة الموضوع."})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Held || res.Comment.Status != news.CommentPending || res.Comment.Author != "هدى سالم" ||
		res.Comment.Text != "مقال مفيد.\n\nوأتمنى متابعة الموضوع." {
		t.Errorf("posted: %+v", res)
	}
	if len(f.changed) != 0 {
		t.Errorf("a held comment changed pages %v", f.changed)
	}
	for _, tc := range []struct {
		in    comments.Input
		field string
	}{
		{comments.Input{Name: "", Text: "نص"}, "name"},
		{comments.Input{Name: strings.Repeat("س", comments.MaxNameRunes+1), Text: "نص"}, "name"},
		{comments.Input{Name: "زوروا www.example.com", Text: "نص"}, "name"},
		{comments.Input{Name: "هدى", Email: "huda at example", Text: "نص"}, "email"},
		{comments.Input{Name: "هدى", Email: "huda@localhost", Text: "نص"}, "email"},
		{comments.Input{Name: "هدى", Text: " \n\t "}, "text"},
		{comments.Input{Name: "هدى", Text: strings.Repeat("ب", comments.MaxTextRunes+1)}, "text"},
		{comments.Input{Name: "هدى", Text: "رد", ParentID: res.Comment.ID}, "parent"}, // not approved yet
		{comments.Input{Name: "هدى", Text: "رد آخر", ParentID: 999999}, "parent"},
	} {
		_, err := f.post(tc.in)
		var fe news.FieldErrors
		if !errors.As(err, &fe) || fe[tc.field] == "" {
			t.Errorf("Post(%+v): %v, want a message on %s", tc.in, err, tc.field)
		}
	}
	if fe := fieldErr(f.post(comments.Input{Name: "هدى", Text: strings.Repeat("ب", comments.MaxTextRunes+5)})); !strings.Contains(fe["text"], "3005") {
		t.Errorf("the length message does not say how long the text is: %q", fe["text"])
	}
	if n := len(f.stored(t)); n != 1 {
		t.Errorf("%d comments stored, want only the valid one", n)
	}
	// The same text again is refused (a double click), and says why.
	if fe := fieldErr(f.post(comments.Input{Name: "هدى", Text: "مقال مفيد.\n\nوأتمنى متابعة الموضوع.", Client: "192.0.2.9"})); fe["text"] == "" {
		t.Error("the same comment twice was taken")
	}
}

func fieldErr(_ comments.Result, err error) news.FieldErrors {
	var fe news.FieldErrors
	errors.As(err, &fe)
	return fe
}

func TestSpam(t *testing.T) { teststores.Each(t, testSpam) }

// testSpam: the honeypot stores nothing, links send a comment to
// moderation or to spam, and a client over its limit is told when to
// come back while others still post.
func testSpam(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, comments.Options{PerClient: 3, ClientWindow: 10 * time.Minute})
	res, err := f.post(comments.Input{Name: "Bot", Text: "cheap pills", Honeypot: "http://spam.example"})
	if err != nil || !res.Held || res.Comment.ID != 0 {
		t.Errorf("honeypot: %+v, %v; want an answer like a held comment", res, err)
	}
	if n := len(f.stored(t)); n != 0 {
		t.Fatalf("the honeypot stored %d comments", n)
	}
	res, err = f.post(comments.Input{Name: "سامي", Text: "اقرأ التفاصيل في https://example.org/report.", Client: "198.51.100.1"})
	if err != nil || res.Comment.Status != news.CommentPending {
		t.Errorf("a comment with one link: %+v, %v; want pending", res.Comment, err)
	}
	res, err = f.post(comments.Input{Name: "عروض", Text: "http://a.example http://b.example www.c.example", Client: "198.51.100.2"})
	if err != nil || res.Comment.Status != news.CommentSpam || !res.Held {
		t.Errorf("a comment with three links: %+v, %v; want spam, answered as held", res.Comment, err)
	}

	for i := range 3 {
		if _, err := f.post(comments.Input{Name: "قارئ", Text: fmt.Sprintf("تعليق رقم %d", i), Client: "203.0.113.7"}); err != nil {
			t.Fatalf("comment %d within the limit: %v", i, err)
		}
	}
	_, err = f.post(comments.Input{Name: "قارئ", Text: "تعليق زائد", Client: "203.0.113.7"})
	var le *news.LimitedError
	if !errors.As(err, &le) || le.Busy || le.RetryAfter <= 0 || le.RetryAfter > 10*time.Minute {
		t.Fatalf("over the limit: %v, want a LimitedError with a wait of at most the window", err)
	}
	if _, err := f.post(comments.Input{Name: "قارئة أخرى", Text: "تعليق من عنوان آخر", Client: "203.0.113.8"}); err != nil {
		t.Errorf("another client is refused too: %v", err)
	}
	f.now = f.now.Add(10 * time.Minute)
	if _, err := f.post(comments.Input{Name: "قارئ", Text: "بعد انتهاء المهلة", Client: "203.0.113.7"}); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestSiteLimit(t *testing.T) { teststores.Each(t, testSiteLimit) }

// testSiteLimit: past the site's comments per minute every client gets a
// prompt 503-kind refusal.
func testSiteLimit(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, comments.Options{PerMinute: 2})
	for i := range 2 {
		if _, err := f.post(comments.Input{Name: "قارئ", Text: fmt.Sprintf("تعليق %d", i), Client: fmt.Sprintf("192.0.2.%d", i+10)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.post(comments.Input{Name: "قارئ", Text: "الثالث", Client: "192.0.2.99"})
	var le *news.LimitedError
	if !errors.As(err, &le) || !le.Busy {
		t.Errorf("past the site's limit: %v, want a busy LimitedError", err)
	}
}

func TestPolicy(t *testing.T) { teststores.Each(t, testPolicy) }

// testPolicy: the site's switch, an article's own, the age limit, and
// trusted readers.
func testPolicy(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, comments.Options{})
	ctx := context.Background()
	set := func(kv ...string) {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		if err := f.store.SaveSettings(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	forbidden := func(what string) {
		t.Helper()
		if _, err := f.post(comments.Input{Name: "قارئ", Text: "تعليق " + what}); news.ErrorCode(err) != news.EFORBIDDEN || news.ErrorMessage(err) == "" {
			t.Errorf("%s: %v, want EFORBIDDEN with a message", what, err)
		}
	}
	set(news.SettingComments, "closed")
	forbidden("on a closed site")
	set(news.SettingComments, "off")
	forbidden("on a site without comments")
	editor := f.users[news.RoleEditor]
	if err := f.svc.SetMode(ctx, editor, f.article.ID, news.CommentsOpen); err != nil {
		t.Fatal(err)
	}
	if _, err := f.post(comments.Input{Name: "قارئ", Text: "المقال مفتوح وإن أغلق الموقع"}); err != nil {
		t.Errorf("an article opened on a closed site: %v", err)
	}
	set(news.SettingComments, "open", news.SettingCommentsCloseDays, "1")
	if err := f.svc.SetMode(ctx, editor, f.article.ID, news.CommentsSiteDefault); err != nil {
		t.Fatal(err)
	}
	forbidden("two days after publication, closing after one")
	th, err := f.svc.Thread(ctx, f.article, comments.ParsePolicy(map[string]string{news.SettingCommentsCloseDays: "1"}))
	if err != nil || !th.Shown || th.Open || !strings.Contains(th.Closed, "1") {
		t.Errorf("thread of an article past the age limit: %+v, %v", th.State, err)
	}
	set(news.SettingCommentsCloseDays, "0", news.SettingCommentsModeration, "known")
	first, err := f.post(comments.Input{Name: "هدى", Email: "Huda@Example.org", Text: "أول تعليق لي"})
	if err != nil || first.Comment.Status != news.CommentPending {
		t.Fatalf("a new reader: %+v, %v; want pending", first.Comment, err)
	}
	if err := f.svc.Moderate(ctx, editor, []int64{first.Comment.ID}, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	again, err := f.post(comments.Input{Name: "هدى", Email: "huda@example.org", Text: "تعليقي الثاني"})
	if err != nil || again.Comment.Status != news.CommentApproved || again.Held {
		t.Errorf("a known reader: %+v, %v; want approved at once", again, err)
	}
	if !slices.Contains(f.changed, f.article.ID) {
		t.Error("a comment published at once did not change the article's page")
	}
	linked, _ := f.post(comments.Input{Name: "هدى", Email: "huda@example.org", Text: "انظر https://example.org"})
	if linked.Comment.Status != news.CommentPending {
		t.Errorf("a known reader's comment with a link: %s, want pending", linked.Comment.Status)
	}
}

func TestModeration(t *testing.T) { teststores.Each(t, testModeration) }

// testModeration: only editors and admins moderate; a reply of the
// newsroom is published with the comment it answers; the thread puts
// answers after what they answer.
func testModeration(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, comments.Options{})
	ctx := context.Background()
	first, err := f.post(comments.Input{Name: "هدى", Text: "متى تنتهي المحادثات؟"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.post(comments.Input{Name: "كريم", Text: "سؤال آخر عن السدود", Client: "192.0.2.2"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []news.Role{news.RoleContributor, news.RoleWriter} {
		u := f.users[r]
		if err := f.svc.Moderate(ctx, u, []int64{first.Comment.ID}, news.CommentApproved); news.ErrorCode(err) != news.EFORBIDDEN {
			t.Errorf("a %s approves: %v", r, err)
		}
		if _, err := f.svc.Reply(ctx, u, first.Comment.ID, "رد"); news.ErrorCode(err) != news.EFORBIDDEN {
			t.Errorf("a %s replies: %v", r, err)
		}
		if _, _, err := f.svc.Queue(ctx, u, news.CommentFilter{}); news.ErrorCode(err) != news.EFORBIDDEN {
			t.Errorf("a %s reads the queue: %v", r, err)
		}
		if err := f.svc.SetMode(ctx, u, f.article.ID, news.CommentsOff); news.ErrorCode(err) != news.EFORBIDDEN {
			t.Errorf("a %s switches comments off: %v", r, err)
		}
	}
	if th, _ := f.svc.Thread(ctx, f.article, comments.Policy{Mode: news.CommentsOpen}); th.Count != 0 {
		t.Fatalf("forbidden moderation published %d comments", th.Count)
	}
	editor := f.users[news.RoleEditor]
	reply, err := f.svc.Reply(ctx, editor, first.Comment.ID, "تنتهي المحادثات يوم الخميس.")
	if err != nil {
		t.Fatal(err)
	}
	if reply.UserID != editor.ID || reply.Status != news.CommentApproved || reply.ParentID != first.Comment.ExternalID || reply.AuthorEmail != "" {
		t.Errorf("the newsroom's reply: %+v", reply)
	}
	if err := f.svc.Moderate(ctx, f.users[news.RoleAdmin], []int64{second.Comment.ID}, news.CommentApproved); err != nil {
		t.Fatal(err)
	}
	th, err := f.svc.Thread(ctx, f.article, comments.Policy{Mode: news.CommentsOpen})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, it := range th.Items {
		order = append(order, fmt.Sprintf("%s/%d/%v", it.Author, it.Depth, it.Staff))
	}
	if want := []string{"هدى/0/false", editor.Name + "/1/true", "كريم/0/false"}; !slices.Equal(order, want) || th.Count != 3 {
		t.Errorf("thread %v (count %d), want %v", order, th.Count, want)
	}
	if th.Items[1].ParentAuthor != "هدى" || th.Items[1].ParentAnchor != th.Items[0].Anchor {
		t.Errorf("the reply does not name what it answers: %+v", th.Items[1])
	}
	list, counts, err := f.svc.Queue(ctx, editor, news.CommentFilter{Status: news.CommentApproved})
	if err != nil || list.Total != 3 || counts[news.CommentApproved] != 3 {
		t.Errorf("queue of approved: %d, counts %v, %v", list.Total, counts, err)
	}
	if err := f.svc.Moderate(ctx, editor, nil, news.CommentSpam); news.ErrorCode(err) != news.EINVALID {
		t.Errorf("moderating nothing: %v", err)
	}
	if err := f.svc.SetMode(ctx, editor, f.article.ID, news.CommentsOff); err != nil {
		t.Fatal(err)
	}
	if th, _ := f.svc.Thread(ctx, f.article, comments.Policy{Mode: news.CommentsOpen}); th.Shown || len(th.Items) != 0 {
		t.Errorf("an article with comments off shows %d", len(th.Items))
	}
}
