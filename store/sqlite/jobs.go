package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"sahafa/news"
)

const jobColumns = `id, name, COALESCE(user_id, 0), user_name, state, progress, summary, problem, started_at, updated_at, COALESCE(finished_at, 0)`

func scanJob(sc interface{ Scan(...any) error }) (news.ImportJob, error) {
	var j news.ImportJob
	var started, updated, finished int64
	err := sc.Scan(&j.ID, &j.Name, &j.UserID, &j.UserName, &j.State, &j.Progress, &j.Summary, &j.Problem, &started, &updated, &finished)
	j.StartedAt, j.UpdatedAt = fromUnix(started), fromUnix(updated)
	if finished != 0 {
		j.FinishedAt = fromUnix(finished)
	}
	return j, err
}

// CreateImportJob stores a new running job.
func (s *Store) CreateImportJob(ctx context.Context, j news.ImportJob) (news.ImportJob, error) {
	now := time.Now().UTC().Truncate(time.Second)
	j.State, j.StartedAt, j.UpdatedAt = news.JobRunning, now, now
	err := s.w.QueryRowContext(ctx, `INSERT INTO import_jobs (name, user_id, user_name, state, progress, started_at, updated_at)
		VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?) RETURNING id`, j.Name, j.UserID, j.UserName, j.State, j.Progress, now.Unix(), now.Unix()).Scan(&j.ID)
	return j, wrapErr("start an import job", err)
}

// UpdateImportJob saves a job's state and texts.
func (s *Store) UpdateImportJob(ctx context.Context, j news.ImportJob) error {
	var finished any
	if !j.FinishedAt.IsZero() {
		finished = j.FinishedAt.Unix()
	}
	res, err := s.w.ExecContext(ctx, `UPDATE import_jobs SET state = ?, progress = ?, summary = ?, problem = ?, updated_at = ?, finished_at = ?
		WHERE id = ?`, j.State, j.Progress, j.Summary, j.Problem, time.Now().Unix(), finished, j.ID)
	if err != nil {
		return wrapErr("update an import job", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return news.Errorf(news.ENOTFOUND, "import job %d not found", j.ID)
	}
	return nil
}

// ImportJob returns one job.
func (s *Store) ImportJob(ctx context.Context, id int64) (news.ImportJob, error) {
	j, err := scanJob(s.w.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM import_jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return news.ImportJob{}, news.Errorf(news.ENOTFOUND, "import job %d not found", id)
	}
	return j, wrapErr("read an import job", err)
}

// ImportJobs lists the newest jobs first.
func (s *Store) ImportJobs(ctx context.Context, limit int) ([]news.ImportJob, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobColumns+` FROM import_jobs ORDER BY id DESC LIMIT ?`, listLimit(limit))
	if err != nil {
		return nil, wrapErr("list import jobs", err)
	}
	defer rows.Close()
	var out []news.ImportJob
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, wrapErr("list import jobs", err)
		}
		out = append(out, j)
	}
	return out, wrapErr("list import jobs", rows.Err())
}

// EndRunningImportJobs marks the running jobs failed.
func (s *Store) EndRunningImportJobs(ctx context.Context, problem string, before time.Time) (int, error) {
	now := time.Now().Unix()
	res, err := s.w.ExecContext(ctx, `UPDATE import_jobs SET state = 'failed', problem = ?, updated_at = ?, finished_at = ?
		WHERE state = 'running' AND updated_at < ?`, problem, now, now, before.Unix())
	if err != nil {
		return 0, wrapErr("end running import jobs", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
