-- +goose Up
-- Readers write comments here now, and moderators move them between
-- statuses. A comment no longer bumps content_version (which empties every
-- cached page): the store reports the one article whose page a moderation
-- changed, through related_changes, and a comment waiting for moderation
-- changes no page at all.
ALTER TABLE comments ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
UPDATE comments SET status = 'approved' WHERE approved = 1;
ALTER TABLE comments DROP COLUMN approved;
ALTER TABLE comments ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX comments_status ON comments (status, at DESC, id DESC);
CREATE INDEX comments_known ON comments (lower(author_email)) WHERE status = 'approved' AND author_email <> '';
-- An article's own switch; articles without a row follow the site's.
CREATE TABLE comment_modes (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    mode       TEXT NOT NULL
);
DROP TRIGGER comments_insert_version;
DROP TRIGGER comments_update_version;
DROP TRIGGER comments_delete_version;

-- +goose Down
-- +goose StatementBegin
CREATE TRIGGER comments_insert_version AFTER INSERT ON comments BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER comments_update_version AFTER UPDATE ON comments BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER comments_delete_version AFTER DELETE ON comments BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
DROP TABLE comment_modes;
DROP INDEX comments_known;
DROP INDEX comments_status;
ALTER TABLE comments DROP COLUMN user_id;
ALTER TABLE comments ADD COLUMN approved INTEGER NOT NULL DEFAULT 0;
UPDATE comments SET approved = 1 WHERE status = 'approved';
ALTER TABLE comments DROP COLUMN status;
