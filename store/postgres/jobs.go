package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
)

const jobColumns = `id, name, COALESCE(user_id, 0), user_name, state, progress, summary, problem, started_at, updated_at, finished_at`

func scanJob(row pgx.Row) (news.ImportJob, error) {
	var j news.ImportJob
	var state string
	var finished *time.Time
	err := row.Scan(&j.ID, &j.Name, &j.UserID, &j.UserName, &state, &j.Progress, &j.Summary, &j.Problem, &j.StartedAt, &j.UpdatedAt, &finished)
	j.State, j.StartedAt, j.UpdatedAt = news.JobState(state), j.StartedAt.UTC(), j.UpdatedAt.UTC()
	if finished != nil {
		j.FinishedAt = finished.UTC()
	}
	return j, err
}

// jobWrite runs a write of the jobs table: no page shows it, so it
// notifies no one.
func (s *Store) jobWrite(ctx context.Context, op string, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return s.inTx(ctx, op, pgx.TxOptions{}, noNotify, fn)
}

// CreateImportJob stores a new running job.
func (s *Store) CreateImportJob(ctx context.Context, j news.ImportJob) (news.ImportJob, error) {
	now := second(time.Now())
	j.State, j.StartedAt, j.UpdatedAt = news.JobRunning, now, now
	err := s.jobWrite(ctx, "start an import job", func(ctx context.Context, tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO import_jobs (name, user_id, user_name, state, progress, started_at, updated_at)
			VALUES ($1, NULLIF($2::bigint, 0), $3, $4, $5, $6, $6) RETURNING id`, j.Name, j.UserID, j.UserName, string(j.State), j.Progress, now).Scan(&j.ID)
	})
	return j, err
}

// UpdateImportJob saves a job's state and texts.
func (s *Store) UpdateImportJob(ctx context.Context, j news.ImportJob) error {
	var finished *time.Time
	if !j.FinishedAt.IsZero() {
		f := second(j.FinishedAt)
		finished = &f
	}
	return s.jobWrite(ctx, "update an import job", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE import_jobs SET state = $2, progress = $3, summary = $4, problem = $5, updated_at = now(), finished_at = $6
			WHERE id = $1`, j.ID, string(j.State), j.Progress, j.Summary, j.Problem, finished)
		if err == nil && tag.RowsAffected() == 0 {
			return news.Errorf(news.ENOTFOUND, "import job %d not found", j.ID)
		}
		return err
	})
}

// ImportJob returns one job.
func (s *Store) ImportJob(ctx context.Context, id int64) (news.ImportJob, error) {
	var j news.ImportJob
	err := s.query(ctx, "read an import job", func(ctx context.Context, c querier) error {
		var err error
		j, err = scanJob(c.QueryRow(ctx, `SELECT `+jobColumns+` FROM import_jobs WHERE id = $1`, id))
		return err
	})
	if isNoRows(err) {
		return news.ImportJob{}, news.Errorf(news.ENOTFOUND, "import job %d not found", id)
	}
	return j, err
}

// ImportJobs lists the newest jobs first.
func (s *Store) ImportJobs(ctx context.Context, limit int) ([]news.ImportJob, error) {
	var out []news.ImportJob
	err := s.query(ctx, "list import jobs", func(ctx context.Context, c querier) error {
		rows, err := c.Query(ctx, `SELECT `+jobColumns+` FROM import_jobs ORDER BY id DESC LIMIT $1`, listLimit(limit))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// EndRunningImportJobs marks the running jobs failed.
func (s *Store) EndRunningImportJobs(ctx context.Context, problem string, before time.Time) (int, error) {
	var n int64
	err := s.jobWrite(ctx, "end running import jobs", func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE import_jobs SET state = 'failed', problem = $1, updated_at = now(), finished_at = now()
			WHERE state = 'running' AND updated_at < $2`, problem, before)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}
