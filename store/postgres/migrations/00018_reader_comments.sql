-- +goose Up
-- Readers write comments here now, and moderators move them between
-- statuses; a moderation notifies the one article whose page changed.
ALTER TABLE comments ADD COLUMN status text NOT NULL DEFAULT 'pending';
UPDATE comments SET status = 'approved' WHERE approved;
ALTER TABLE comments DROP COLUMN approved;
ALTER TABLE comments ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX comments_status ON comments (status, at DESC, id DESC);
CREATE INDEX comments_known ON comments (lower(author_email)) WHERE status = 'approved' AND author_email <> '';
-- An article's own switch; articles without a row follow the site's.
CREATE TABLE comment_modes (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    mode       text NOT NULL
);

-- +goose Down
DROP TABLE comment_modes;
DROP INDEX comments_known;
DROP INDEX comments_status;
ALTER TABLE comments DROP COLUMN user_id;
ALTER TABLE comments ADD COLUMN approved boolean NOT NULL DEFAULT false;
UPDATE comments SET approved = true WHERE status = 'approved';
ALTER TABLE comments DROP COLUMN status;
