-- +goose Up
-- Readers' comments of imported archives (WordPress), kept as data: the
-- site does not show them. external_id and parent_id are the ids of the
-- system they came from.
CREATE TABLE comments (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    external_id  TEXT NOT NULL DEFAULT '',
    parent_id    TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    author_email TEXT NOT NULL DEFAULT '',
    author_url   TEXT NOT NULL DEFAULT '',
    at           INTEGER NOT NULL,
    text         TEXT NOT NULL,
    approved     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX comments_article ON comments (article_id, at);

-- +goose Down
DROP TABLE comments;
