-- +goose Up
-- Readership, counted without cookies: views per article and hour, per
-- referring domain and hour, and a sketch of each day's distinct readers.
-- Writes to them are not notified: counting changes no page.
CREATE TABLE article_views (
    hour       timestamptz NOT NULL,
    article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    views      bigint NOT NULL,
    PRIMARY KEY (hour, article_id)
);
CREATE INDEX article_views_article ON article_views (article_id, hour);

CREATE TABLE referrer_views (
    hour   timestamptz NOT NULL,
    domain text NOT NULL,
    views  bigint NOT NULL,
    PRIMARY KEY (hour, domain)
);

CREATE TABLE visitor_sketches (
    day    timestamptz PRIMARY KEY,
    sketch bytea NOT NULL
);

CREATE TABLE visitor_salts (
    day  timestamptz PRIMARY KEY,
    salt bytea NOT NULL
);

-- +goose Down
DROP TABLE visitor_salts;
DROP TABLE visitor_sketches;
DROP TABLE referrer_views;
DROP TABLE article_views;
