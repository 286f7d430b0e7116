package news

import (
	"context"
	"time"
)

// ImportJob is an import started from the newsroom: a file an
// administrator uploaded (or a web page's address), imported in the
// background while its page shows how far it got.
type ImportJob struct {
	ID       int64
	Name     string // the file's name or the address
	UserID   int64
	UserName string
	State    JobState
	// Progress is the last progress line ("import x.jsonl: 12,000
	// articles, 800/s"); Summary what the import printed at the end, as
	// the command line does; Problem why it stopped, when it failed.
	Progress   string
	Summary    string
	Problem    string
	StartedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt time.Time // zero while it runs
}

// JobState is where an import job stands.
type JobState string

const (
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// Label is the state's name in the newsroom.
func (s JobState) Label() string {
	switch s {
	case JobRunning:
		return "جارٍ"
	case JobDone:
		return "اكتمل"
	case JobFailed:
		return "توقف"
	}
	return string(s)
}

// JobStore keeps the newsroom's import jobs.
type JobStore interface {
	// CreateImportJob stores a new running job and returns it with its id.
	CreateImportJob(ctx context.Context, j ImportJob) (ImportJob, error)
	// UpdateImportJob saves a job's state, progress, summary and problem.
	UpdateImportJob(ctx context.Context, j ImportJob) error
	ImportJob(ctx context.Context, id int64) (ImportJob, error)
	// ImportJobs lists the newest jobs first.
	ImportJobs(ctx context.Context, limit int) ([]ImportJob, error)
	// EndRunningImportJobs marks failed, with problem, the running jobs
	// not saved since before (their server stopped: a running job is
	// saved every few seconds) and says how many.
	EndRunningImportJobs(ctx context.Context, problem string, before time.Time) (int, error)
}
