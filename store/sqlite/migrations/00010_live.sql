-- +goose Up
-- Live coverage (تغطية مباشرة): an article made of timestamped updates.
-- Starting or ending coverage bumps content_version (lists show the live
-- mark); an update is reported through related_changes by the store, as
-- it changes the article's own page only.
CREATE TABLE live_coverage (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    ended_at   INTEGER
);

CREATE TABLE live_updates (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES live_coverage(article_id) ON DELETE CASCADE,
    posted_at   INTEGER NOT NULL,
    body        TEXT NOT NULL,
    body_source TEXT NOT NULL DEFAULT '',
    author      TEXT NOT NULL DEFAULT '',
    created_by  INTEGER
);
CREATE INDEX live_updates_article ON live_updates (article_id, posted_at DESC, id DESC);

-- +goose StatementBegin
CREATE TRIGGER live_coverage_insert_version AFTER INSERT ON live_coverage BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER live_coverage_update_version AFTER UPDATE ON live_coverage BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER live_coverage_delete_version AFTER DELETE ON live_coverage BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER live_coverage_delete_version;
DROP TRIGGER live_coverage_update_version;
DROP TRIGGER live_coverage_insert_version;
DROP TABLE live_updates;
DROP TABLE live_coverage;
