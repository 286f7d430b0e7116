package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"sahafa/news"
)

var commentTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"ReaderComments", testReaderComments},
	{"CommentModeration", testCommentModeration},
	{"CommentsSurviveReimport", testCommentsSurviveReimport},
	{"PageComments", testPageComments},
}

func readerComment(article int64, author, text string, st news.CommentStatus, at time.Time) news.Comment {
	return news.Comment{ArticleID: article, Author: author, AuthorEmail: strings.ToLower(author) + "@example.org",
		Text: text, Status: st, At: at}
}

func commentAuthors(list []news.Comment) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Author)
	}
	return out
}

// testReaderComments: a comment written here gets an id and an ExternalID
// made of it, answers thread by ExternalID, only approved ones are the
// article's, and what cannot be stored is refused.
func testReaderComments(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	article := ids["p1"]
	base := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	first, err := s.AddComment(ctx, readerComment(article, "Huda", "مقال مهم عن أزمة المياه، شكرًا للكاتبة.", news.CommentApproved, base))
	if err != nil {
		t.Fatalf("AddComment: %v", err)
	}
	if first.ID == 0 || !strings.HasPrefix(first.ExternalID, news.LocalCommentPrefix+itoa(int(first.ID))+"-") || !first.Local() {
		t.Errorf("added comment: id %d, external id %q", first.ID, first.ExternalID)
	}
	reply := readerComment(article, "Karim", "وماذا عن السدود الجديدة؟", news.CommentApproved, base.Add(time.Hour))
	reply.ParentID = first.ExternalID
	if reply, err = s.AddComment(ctx, reply); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddComment(ctx, readerComment(article, "Spammer", "اربح الآن", news.CommentPending, base.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	got, mode, err := s.ArticleComments(ctx, article)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Huda", "Karim"}; !slices.Equal(commentAuthors(got), want) || mode != news.CommentsSiteDefault {
		t.Fatalf("ArticleComments: %v mode %q, want %v and the site's mode", commentAuthors(got), mode, want)
	}
	if got[1].ParentID != first.ExternalID || got[1].ArticleID != article || !got[1].At.Equal(base.Add(time.Hour)) {
		t.Errorf("the reply read back: %+v", got[1])
	}
	one, err := s.Comment(ctx, reply.ID)
	if err != nil || one.Text != "وماذا عن السدود الجديدة؟" || one.AuthorEmail != "karim@example.org" {
		t.Errorf("Comment(%d) = %+v, %v", reply.ID, one, err)
	}
	if _, err := s.Comment(ctx, reply.ID+100); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("Comment of an unknown id: %v, want ENOTFOUND", err)
	}
	counts, err := s.CommentCounts(ctx, []int64{article, ids["p2"]})
	if err != nil || counts[article] != 2 || counts[ids["p2"]] != 0 {
		t.Errorf("CommentCounts = %v, %v; want 2 approved for the article and none for the other", counts, err)
	}
	if _, err := s.AddComment(ctx, readerComment(ids["p9"]+1000, "Huda", "نص", news.CommentApproved, base)); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("a comment on no article: %v, want ENOTFOUND", err)
	}
	for _, bad := range []news.Comment{
		readerComment(article, "Huda", "  ", news.CommentApproved, base),
		readerComment(article, "", "نص", news.CommentApproved, base),
		readerComment(article, "Huda", "نص", "published", base),
	} {
		if _, err := s.AddComment(ctx, bad); news.ErrorCode(err) != news.EINVALID {
			t.Errorf("AddComment(%+v): %v, want EINVALID", bad, err)
		}
	}
	known, err := s.KnownCommenter(ctx, "HUDA@example.org")
	if err != nil || !known {
		t.Errorf("KnownCommenter of an approved commenter = %v, %v", known, err)
	}
	if known, _ := s.KnownCommenter(ctx, "spammer@example.org"); known {
		t.Error("a commenter with only a pending comment is known")
	}
	if known, _ := s.KnownCommenter(ctx, ""); known {
		t.Error("no address is known")
	}
	if err := s.SetCommentMode(ctx, article, news.CommentsClosed); err != nil {
		t.Fatal(err)
	}
	if _, mode, _ := s.ArticleComments(ctx, article); mode != news.CommentsClosed {
		t.Errorf("mode after SetCommentMode(closed) = %q", mode)
	}
	if err := s.SetCommentMode(ctx, article, news.CommentsSiteDefault); err != nil {
		t.Fatal(err)
	}
	if _, mode, _ := s.ArticleComments(ctx, article); mode != news.CommentsSiteDefault {
		t.Errorf("mode after going back to the site's = %q", mode)
	}
	if err := s.SetCommentMode(ctx, article, "sometimes"); news.ErrorCode(err) != news.EINVALID {
		t.Errorf("an unknown mode: %v, want EINVALID", err)
	}
	if err := s.SetCommentMode(ctx, ids["p9"]+1000, news.CommentsOff); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("the mode of no article: %v, want ENOTFOUND", err)
	}
}

// testCommentModeration: the queue lists by status and article, newest
// first with titles; a status change reports the articles whose pages
// changed, and one unknown id changes nothing.
func testCommentModeration(t *testing.T, s news.Store) {
	ctx := context.Background()
	ids := seed(t, s)
	base := time.Date(2026, 3, 4, 8, 0, 0, 0, time.UTC)
	var added []news.Comment
	for i, spec := range []struct {
		article string
		st      news.CommentStatus
	}{{"p1", news.CommentPending}, {"p1", news.CommentPending}, {"p2", news.CommentPending}, {"p2", news.CommentApproved}, {"p3", news.CommentSpam}} {
		c, err := s.AddComment(ctx, readerComment(ids[spec.article], "Reader"+itoa(i), "تعليق رقم "+itoa(i), spec.st, base.Add(time.Duration(i)*time.Minute)))
		if err != nil {
			t.Fatal(err)
		}
		added = append(added, c)
	}
	pending, err := s.CommentQueue(ctx, news.CommentFilter{Status: news.CommentPending, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if pending.Total != 3 || len(pending.Comments) != 2 || pending.Comments[0].ID != added[2].ID || pending.Comments[1].ID != added[1].ID {
		t.Fatalf("pending queue: total %d, %d listed, first %d; want 3, 2, newest first (%d)", pending.Total, len(pending.Comments),
			firstID(pending.Comments), added[2].ID)
	}
	if title := pending.Comments[1].ArticleTitle; title != fixtureByKey("p1").title {
		t.Errorf("queued comment's article title %q", title)
	}
	next, _ := s.CommentQueue(ctx, news.CommentFilter{Status: news.CommentPending, Limit: 2, Offset: 2})
	if len(next.Comments) != 1 || next.Comments[0].ID != added[0].ID {
		t.Errorf("second page of the queue: %+v", next.Comments)
	}
	of, _ := s.CommentQueue(ctx, news.CommentFilter{ArticleID: ids["p2"]})
	if of.Total != 2 {
		t.Errorf("comments of one article in every status: %d, want 2", of.Total)
	}
	counts, err := s.CommentStatusCounts(ctx)
	if err != nil || counts[news.CommentPending] != 3 || counts[news.CommentApproved] != 1 || counts[news.CommentSpam] != 1 {
		t.Errorf("CommentStatusCounts = %v, %v", counts, err)
	}

	// Approving p1's two and p2's pending one changes both pages; a
	// pending comment sent to spam changes none.
	changed, err := s.SetCommentStatus(ctx, []int64{added[0].ID, added[1].ID, added[2].ID}, news.CommentApproved)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(changed)
	if want := sortedIDs(ids["p1"], ids["p2"]); !slices.Equal(changed, want) {
		t.Errorf("approval changed pages %v, want %v", changed, want)
	}
	if got, _, _ := s.ArticleComments(ctx, ids["p1"]); len(got) != 2 {
		t.Errorf("p1 shows %d comments after approval, want 2", len(got))
	}
	if changed, err := s.SetCommentStatus(ctx, []int64{added[4].ID}, news.CommentTrash); err != nil || len(changed) != 0 {
		t.Errorf("spam to trash changed pages %v (%v), want none", changed, err)
	}
	if changed, err := s.SetCommentStatus(ctx, []int64{added[3].ID}, news.CommentSpam); err != nil || !slices.Equal(changed, []int64{ids["p2"]}) {
		t.Errorf("an approved comment to spam changed %v (%v), want p2's page", changed, err)
	}
	// All or nothing.
	if _, err := s.SetCommentStatus(ctx, []int64{added[0].ID, added[4].ID + 1000}, news.CommentTrash); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("moderating an unknown comment: %v, want ENOTFOUND", err)
	}
	if c, _ := s.Comment(ctx, added[0].ID); c.Status != news.CommentApproved {
		t.Errorf("a failed moderation moved comment %d to %q", c.ID, c.Status)
	}
	if _, err := s.SetCommentStatus(ctx, []int64{added[0].ID}, "deleted"); news.ErrorCode(err) != news.EINVALID {
		t.Errorf("an unknown status: %v, want EINVALID", err)
	}
}

// testCommentsSurviveReimport: importing an article again replaces its
// imported comments and keeps those its readers wrote here.
func testCommentsSurviveReimport(t *testing.T, s news.Store) {
	ctx := context.Background()
	rec := fixtureByKey("p1").record()
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rec.Comments = []news.Comment{{ExternalID: "11", Author: "زائر قديم", Text: "<p>تعليق من الموقع القديم</p>", At: when, Status: news.CommentApproved}}
	id := saveOne(t, s, rec)
	if _, err := s.AddComment(ctx, readerComment(id, "Huda", "تعليق كتب هنا بعد الانتقال", news.CommentApproved, when.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	rec.Comments = []news.Comment{{ExternalID: "12", Author: "زائر آخر", Text: "تعليق معدل", At: when, Status: news.CommentPending}}
	saveOne(t, s, rec)
	all, err := s.Comments(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range all {
		got = append(got, c.Author+"/"+string(c.Status))
	}
	if want := []string{"زائر آخر/pending", "Huda/approved"}; !slices.Equal(got, want) {
		t.Errorf("comments after the second import: %v, want %v", got, want)
	}
}

func firstID(list []news.QueuedComment) int64 {
	if len(list) == 0 {
		return 0
	}
	return list[0].ID
}

func sortedIDs(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}

// testPageComments: a page's imported comments are stored, replaced by a
// second import, and go with the page.
func testPageComments(t *testing.T, s news.Store) {
	ctx := context.Background()
	pg, err := s.SavePage(ctx, news.Page{Slug: "من-نحن", Title: "من نحن", Body: "<p>جريدة المدينة منذ 1990.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2020, 1, 2, 9, 0, 0, 0, time.UTC)
	list := []news.Comment{
		{ExternalID: "167", Author: "قارئ", Text: "<p>شكرًا للفريق</p>", At: when, Status: news.CommentApproved},
		{ExternalID: "168", ParentID: "167", Author: "المحرر", Text: "العفو", At: when.Add(time.Hour), Status: news.CommentApproved},
		{ExternalID: "169", Author: "زائر", Text: "رابط دعائي", At: when.Add(2 * time.Hour), Status: news.CommentSpam},
	}
	if err := s.SavePageComments(ctx, pg.ID, list); err != nil {
		t.Fatal(err)
	}
	got, err := s.PageComments(ctx, pg.ID)
	if err != nil || len(got) != 3 || got[1].ParentID != "167" || got[2].Status != news.CommentSpam || !got[0].At.Equal(when) || got[0].ID == 0 {
		t.Fatalf("PageComments = %+v, %v", got, err)
	}
	if err := s.SavePageComments(ctx, pg.ID, list[:1]); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PageComments(ctx, pg.ID); len(got) != 1 {
		t.Errorf("after a second import: %d comments, want 1", len(got))
	}
	if err := s.SavePageComments(ctx, pg.ID+100, list); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("comments of no page: %v", err)
	}
	if err := s.DeletePage(ctx, pg.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PageComments(ctx, pg.ID); len(got) != 0 {
		t.Errorf("a deleted page kept %d comments", len(got))
	}
}
