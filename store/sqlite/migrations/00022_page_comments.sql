-- +goose Up
-- Comments of static pages, as imported (WordPress pages take comments);
-- the approved ones are shown under their page.
CREATE TABLE page_comments (
    id           INTEGER PRIMARY KEY,
    page_id      INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    external_id  TEXT NOT NULL DEFAULT '',
    parent_id    TEXT NOT NULL DEFAULT '',
    author       TEXT NOT NULL DEFAULT '',
    author_email TEXT NOT NULL DEFAULT '',
    author_url   TEXT NOT NULL DEFAULT '',
    at           INTEGER NOT NULL,
    text         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX page_comments_page ON page_comments (page_id, at);
-- +goose StatementBegin
CREATE TRIGGER page_comments_insert_version AFTER INSERT ON page_comments BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER page_comments_delete_version AFTER DELETE ON page_comments BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER page_comments_delete_version;
DROP TRIGGER page_comments_insert_version;
DROP TABLE page_comments;
