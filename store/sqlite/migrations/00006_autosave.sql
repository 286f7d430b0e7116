-- +goose Up
-- The editor's autosaves and who is editing what. Neither is content a
-- page shows: no triggers bump content_version, so neither empties a
-- page cache.
--
-- autosaves keeps, per user and article (0 for a new article), the last
-- state of the editor's form as JSON, written every few seconds while
-- they type, so that a closed tab or a crashed browser loses nothing.
CREATE TABLE autosaves (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL,
    saved_at   INTEGER NOT NULL, -- Unix milliseconds
    version    INTEGER NOT NULL, -- of the article the form was opened on
    data       TEXT NOT NULL,
    PRIMARY KEY (user_id, article_id)
) WITHOUT ROWID;

-- edit_presence: who has an article open in the editor (seen: the last
-- heartbeat), since when, and whether someone took the editing over.
CREATE TABLE edit_presence (
    article_id INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_name  TEXT NOT NULL,
    since      INTEGER NOT NULL,
    seen       INTEGER NOT NULL,
    taken_by   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, user_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE edit_presence;
DROP TABLE autosaves;
