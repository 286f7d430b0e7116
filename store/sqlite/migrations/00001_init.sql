-- +goose Up
-- Times are INTEGER unix seconds, UTC. url_date is the unix second of the
-- UTC midnight that starts the article's URL date.

CREATE TABLE sections (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE authors (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

-- Small, fixed-size columns first and the long text last: list and search
-- queries read published_at and section_id without loading a row's
-- overflow pages.
CREATE TABLE articles (
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

CREATE UNIQUE INDEX articles_external_id ON articles (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
CREATE INDEX articles_section_published ON articles (section_id, published_at DESC, id DESC);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
) WITHOUT ROWID;

CREATE INDEX article_authors_author ON article_authors (author_id, article_id);

CREATE TABLE related (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    related_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    rank       INTEGER NOT NULL,
    PRIMARY KEY (article_id, related_id)
) WITHOUT ROWID;

CREATE INDEX related_related ON related (related_id);

-- The search index is a contentless-delete FTS5 table keyed by article id
-- (rowid = articles.id). Its text is the analyzer's output (search_title,
-- search_body), which nothing ever reads back: snippets and highlights are
-- drawn in Go on the raw article text, and a reindex re-analyzes the
-- articles. So the table keeps only the inverted index, not a second copy of
-- the analyzed text, unlike an ordinary FTS5 table (which stores its content)
-- or an external-content one (which needs the text in a real table and the
-- old values to delete). contentless_delete=1 (SQLite >= 3.43) still allows
-- DELETE by rowid, which updates and reindexing need.
--
-- The text is already analyzed (normalized, stemmed, space-separated
-- terms), so the ascii tokenizer takes the terms as given: it splits on white
-- space and ASCII punctuation, folds ASCII case only and keeps every
-- non-ASCII character inside its token. unicode61 would do the same for the
-- analyzer's output but spends about 40% of SaveArticles' CPU time looking
-- up Unicode categories (measured with 400-word articles).
CREATE VIRTUAL TABLE article_search USING fts5 (
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'ascii'
);

-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER articles_search_delete;
DROP TABLE article_search;
DROP TABLE related;
DROP TABLE article_authors;
DROP TABLE articles;
DROP TABLE authors;
DROP TABLE sections;
