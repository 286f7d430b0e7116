-- +goose Up
-- Readership, counted without cookies: views per article and hour, per
-- referring domain and hour, and a sketch of each day's distinct readers.
-- None of these tables has a content_version trigger: counting changes
-- no page.
CREATE TABLE article_views (
    hour       INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    views      INTEGER NOT NULL,
    PRIMARY KEY (hour, article_id)
) WITHOUT ROWID;
CREATE INDEX article_views_article ON article_views (article_id, hour);

CREATE TABLE referrer_views (
    hour   INTEGER NOT NULL,
    domain TEXT NOT NULL,
    views  INTEGER NOT NULL,
    PRIMARY KEY (hour, domain)
) WITHOUT ROWID;

CREATE TABLE visitor_sketches (
    day    INTEGER PRIMARY KEY,
    sketch BLOB NOT NULL
);

-- The salt of today's visitor hashes; earlier days' are deleted.
CREATE TABLE visitor_salts (
    day  INTEGER PRIMARY KEY,
    salt BLOB NOT NULL
);

-- +goose Down
DROP TABLE visitor_salts;
DROP TABLE visitor_sketches;
DROP TABLE referrer_views;
DROP TABLE article_views;
