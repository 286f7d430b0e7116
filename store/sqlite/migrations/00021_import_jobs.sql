-- +goose Up
-- Imports started from the newsroom, run in the background.
CREATE TABLE import_jobs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    user_name   TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL,
    progress    TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    problem     TEXT NOT NULL DEFAULT '',
    started_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    finished_at INTEGER
);

-- +goose Down
DROP TABLE import_jobs;
