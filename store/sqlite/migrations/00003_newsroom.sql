-- +goose NO TRANSACTION
-- +goose Up
-- The newsroom: article workflow columns, users and sessions, tags,
-- revisions, workflow events, corrections, redirects of old URLs, site
-- settings and the media library.
--
-- The articles table is rebuilt rather than altered: ALTER TABLE ADD COLUMN
-- appends after the long body, and the status, read by every public query
-- that reads a row, would then sit behind the body's overflow pages. The
-- rebuild runs with foreign keys off (DROP TABLE would otherwise cascade to
-- the author, related and search rows), hence NO TRANSACTION and an explicit
-- one inside. The new table keeps every id, so the search index and the
-- tables that refer to articles stay valid.
PRAGMA foreign_keys = OFF;

BEGIN IMMEDIATE;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('contributor', 'writer', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

-- status: draft, review, scheduled, published, unpublished. time_set: the
-- publication time was chosen rather than left to the moment of
-- publication. ever_published: the URL date is fixed. image: the lead
-- image as JSON, '' for none.
CREATE TABLE articles_new (
    id             INTEGER PRIMARY KEY,
    section_id     INTEGER NOT NULL REFERENCES sections (id),
    published_at   INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    url_date       INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'published'
                   CHECK (status IN ('draft', 'review', 'scheduled', 'published', 'unpublished')),
    version        INTEGER NOT NULL DEFAULT 1,
    time_set       INTEGER NOT NULL DEFAULT 1,
    ever_published INTEGER NOT NULL DEFAULT 1,
    created_by     INTEGER REFERENCES users (id),
    slug           TEXT NOT NULL,
    external_id    TEXT,
    source         TEXT NOT NULL DEFAULT '',
    source_url     TEXT NOT NULL DEFAULT '',
    dateline       TEXT NOT NULL DEFAULT '',
    title          TEXT NOT NULL,
    image          TEXT NOT NULL DEFAULT '',
    abstract       TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL DEFAULT '',
    body_source    TEXT NOT NULL DEFAULT '',
    UNIQUE (section_id, url_date, slug)
);

INSERT INTO articles_new (id, section_id, published_at, updated_at, url_date, slug, external_id,
    source, source_url, dateline, title, abstract, body)
SELECT id, section_id, published_at, updated_at, url_date, slug, external_id,
    source, source_url, dateline, title, abstract, body
FROM articles;

DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;

CREATE UNIQUE INDEX articles_external_id ON articles (external_id) WHERE external_id IS NOT NULL;
-- Readers see published articles only: the public lists and counts run on
-- these partial indexes (queries name the literal status = 'published').
CREATE INDEX articles_published ON articles (published_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX articles_section_published ON articles (section_id, published_at DESC, id DESC) WHERE status = 'published';
-- The newsroom's lists: by status, by owner, and the scheduler's queue.
CREATE INDEX articles_status ON articles (status, updated_at DESC, id DESC);
CREATE INDEX articles_created_by ON articles (created_by, updated_at DESC) WHERE created_by IS NOT NULL;
CREATE INDEX articles_scheduled ON articles (published_at) WHERE status = 'scheduled';

-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    user_agent TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

-- data is news.RevisionData as JSON.
CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    user_name  TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    data       TEXT NOT NULL,
    UNIQUE (article_id, number)
);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    user_name   TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_article ON events (article_id, id);

CREATE TABLE corrections (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    text       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users (id)
);
CREATE INDEX corrections_article ON corrections (article_id, at);

-- Old URL paths (decoded) that answer 301 to an article's current URL:
-- paths it had before a slug or section change, and permalinks of the
-- system it was imported from.
CREATE TABLE redirects (
    path       TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
CREATE INDEX redirects_article ON redirects (article_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- variants: the sizes stored in media_files, as JSON.
CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    user_id    INTEGER REFERENCES users (id),
    alt        TEXT NOT NULL,
    caption    TEXT NOT NULL DEFAULT '',
    credit     TEXT NOT NULL DEFAULT '',
    format     TEXT NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    variants   TEXT NOT NULL
);

CREATE TABLE media_files (
    id           INTEGER PRIMARY KEY,
    media_id     INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    ext          TEXT NOT NULL,
    data         BLOB NOT NULL,
    UNIQUE (media_id, width)
);

COMMIT;

PRAGMA foreign_keys = ON;

-- The copy left the old table's pages free: on an archive of 62,000
-- articles the file grew from 337 to 610 MB. VACUUM gives them back once,
-- at the upgrade (about 10 s for that archive).
VACUUM;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TABLE media_files;
DROP TABLE media;
DROP TABLE settings;
DROP TABLE redirects;
DROP TABLE corrections;
DROP TABLE events;
DROP TABLE revisions;
DROP TABLE article_tags;
DROP TABLE tags;
DROP TABLE sessions;
DELETE FROM articles WHERE status <> 'published';
CREATE TABLE articles_old (
    id           INTEGER PRIMARY KEY,
    section_id   INTEGER NOT NULL REFERENCES sections (id),
    published_at INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    url_date     INTEGER NOT NULL,
    slug         TEXT NOT NULL,
    external_id  TEXT,
    source       TEXT NOT NULL DEFAULT '',
    source_url   TEXT NOT NULL DEFAULT '',
    dateline     TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    abstract     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    UNIQUE (section_id, url_date, slug)
);
INSERT INTO articles_old SELECT id, section_id, published_at, updated_at, url_date, slug, external_id,
    source, source_url, dateline, title, abstract, body FROM articles;
DROP TABLE articles;
ALTER TABLE articles_old RENAME TO articles;
CREATE UNIQUE INDEX articles_external_id ON articles (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
CREATE INDEX articles_section_published ON articles (section_id, published_at DESC, id DESC);
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
-- +goose StatementEnd
DROP TABLE users;
COMMIT;
PRAGMA foreign_keys = ON;
