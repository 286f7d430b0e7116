package storetest

import (
	"context"
	"testing"
	"time"

	"sahafa/news"
)

var jobTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"ImportJobs", testImportJobs},
}

// testImportJobs: a job is stored running, saved as it goes, listed newest
// first, and a restart ends the running ones no server saves any more.
func testImportJobs(t *testing.T, s news.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, newUser("admin@example.com", news.RoleAdmin))
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.CreateImportJob(ctx, news.ImportJob{Name: "موقع-قديم.xml", UserID: u.ID, UserName: u.Name})
	if err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || first.State != news.JobRunning || first.StartedAt.IsZero() {
		t.Fatalf("created: %+v", first)
	}
	first.Progress = "import موقع-قديم.xml: 500 articles"
	first.State, first.Summary, first.FinishedAt = news.JobDone, "9 created, 0 updated", time.Now()
	if err := s.UpdateImportJob(ctx, first); err != nil {
		t.Fatal(err)
	}
	second, err := s.CreateImportJob(ctx, news.ImportJob{Name: "archive.jsonl", UserID: u.ID, UserName: u.Name})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ImportJob(ctx, first.ID)
	if err != nil || got.State != news.JobDone || got.Summary != "9 created, 0 updated" || got.Progress != first.Progress ||
		got.FinishedAt.IsZero() || got.UserID != u.ID || got.Name != "موقع-قديم.xml" {
		t.Errorf("read back: %+v, %v", got, err)
	}
	list, err := s.ImportJobs(ctx, 10)
	if err != nil || len(list) != 2 || list[0].ID != second.ID {
		t.Errorf("list: %+v, %v", list, err)
	}
	if n, err := s.EndRunningImportJobs(ctx, "the server stopped", time.Now().Add(-time.Minute)); err != nil || n != 0 {
		t.Errorf("a job saved a moment ago was ended: %d, %v", n, err)
	}
	n, err := s.EndRunningImportJobs(ctx, "the server stopped", time.Now().Add(2*time.Second))
	if err != nil || n != 1 {
		t.Errorf("EndRunningImportJobs = %d, %v; want 1", n, err)
	}
	if got, _ := s.ImportJob(ctx, second.ID); got.State != news.JobFailed || got.Problem != "the server stopped" || got.FinishedAt.IsZero() {
		t.Errorf("the running job after a restart: %+v", got)
	}
	if _, err := s.ImportJob(ctx, second.ID+10); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("unknown job: %v", err)
	}
	if err := s.UpdateImportJob(ctx, news.ImportJob{ID: second.ID + 10, State: news.JobDone}); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("update of an unknown job: %v", err)
	}
}
