-- +goose Up
-- The wire desk: agency and partner sources, and the items they send.
CREATE TABLE wire_sources (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    address          TEXT NOT NULL,
    format           TEXT NOT NULL DEFAULT '',
    interval_seconds INTEGER NOT NULL,
    auth_kind        TEXT NOT NULL DEFAULT '',
    auth_user        TEXT NOT NULL DEFAULT '',
    secret           BLOB,
    section_id       INTEGER REFERENCES sections (id) ON DELETE SET NULL,
    priority         INTEGER NOT NULL DEFAULT 5,
    enabled          INTEGER NOT NULL DEFAULT 1,
    etag             TEXT NOT NULL DEFAULT '',
    last_modified    TEXT NOT NULL DEFAULT '',
    next_poll        INTEGER NOT NULL DEFAULT 0,
    last_poll        INTEGER NOT NULL DEFAULT 0,
    last_ok          INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    failures         INTEGER NOT NULL DEFAULT 0,
    -- A feed that names a WebSub hub is subscribed to: the hub pushes new
    -- entries to /websub/{id} signed with websub_secret (sealed).
    websub_hub       TEXT NOT NULL DEFAULT '',
    websub_topic     TEXT NOT NULL DEFAULT '',
    websub_secret    BLOB,
    websub_expires   INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE wire_items (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES wire_sources (id) ON DELETE CASCADE,
    guid            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    headline        TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL DEFAULT '',
    byline          TEXT NOT NULL DEFAULT '',
    dateline        TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT '',
    urgency         INTEGER NOT NULL DEFAULT 0,
    subjects        TEXT NOT NULL DEFAULT '',
    slugline        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'usable',
    signal          TEXT NOT NULL DEFAULT '',
    embargo         INTEGER NOT NULL DEFAULT 0,
    first_created   INTEGER NOT NULL DEFAULT 0,
    version_created INTEGER NOT NULL DEFAULT 0,
    received_at     INTEGER NOT NULL,
    link            TEXT NOT NULL DEFAULT '',
    provider        TEXT NOT NULL DEFAULT '',
    hash            TEXT NOT NULL,
    latest          INTEGER NOT NULL DEFAULT 1,
    article_id      INTEGER REFERENCES articles (id) ON DELETE SET NULL,
    -- group_id is the first story of the group of stories (from several
    -- sources) about the same event, 0 until grouped; head marks the
    -- newest latest version of a group, the one the queue lists. lead
    -- holds the analyzed terms of the headline and first words, which
    -- grouping compares.
    group_id        INTEGER NOT NULL DEFAULT 0,
    head            INTEGER NOT NULL DEFAULT 1,
    lead            TEXT NOT NULL DEFAULT '',
    -- drafted marks the version a draft was made from: later ones are
    -- flagged on the draft.
    drafted         INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source_id, guid, version)
);
-- The queue: the latest version of each story, newest first. Ids are
-- given in the order items arrive, so the queue is in id order, which
-- the search index can follow too.
CREATE INDEX wire_items_queue ON wire_items (id) WHERE latest;
CREATE INDEX wire_items_heads ON wire_items (id) WHERE latest AND head;
CREATE INDEX wire_items_group ON wire_items (group_id) WHERE latest;
CREATE INDEX wire_items_source ON wire_items (source_id, id) WHERE latest;
CREATE INDEX wire_items_urgent ON wire_items (id) WHERE latest AND urgency BETWEEN 1 AND 2;
CREATE INDEX wire_items_article ON wire_items (article_id) WHERE article_id IS NOT NULL;
CREATE INDEX wire_items_received ON wire_items (received_at);

-- The queue's search: the items' analyzed terms, indexed as the articles'
-- are (article_search): contentless, rowid = wire_items.id.
CREATE VIRTUAL TABLE wire_search USING fts5 (
    terms,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii'
);

-- +goose StatementBegin
CREATE TRIGGER wire_items_search_delete AFTER DELETE ON wire_items BEGIN
    DELETE FROM wire_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER wire_items_search_delete;
DROP TABLE wire_search;
DROP TABLE wire_items;
DROP TABLE wire_sources;
