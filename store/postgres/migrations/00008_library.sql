-- +goose Up
-- The editor's additions: SEO fields, the trash, and an author directory.
-- See the SQLite migration of the same name for what each column holds.
ALTER TABLE articles
    ADD COLUMN seo text NOT NULL DEFAULT '',
    ADD COLUMN deleted_at timestamptz;
CREATE INDEX articles_trash ON articles (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE gone_paths (
    path text PRIMARY KEY,
    at   timestamptz NOT NULL
);

ALTER TABLE authors
    ADD COLUMN name_key text NOT NULL DEFAULT '',
    ADD COLUMN profile text NOT NULL DEFAULT '';
CREATE INDEX authors_name_key ON authors (name_key);

CREATE TABLE author_aliases (
    kind      text NOT NULL,
    value     text NOT NULL,
    author_id bigint NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value)
);
CREATE INDEX author_aliases_author ON author_aliases (author_id);

-- +goose Down
DROP TABLE author_aliases;
DROP INDEX authors_name_key;
ALTER TABLE authors DROP COLUMN profile, DROP COLUMN name_key;
DROP TABLE gone_paths;
DROP INDEX articles_trash;
ALTER TABLE articles DROP COLUMN deleted_at, DROP COLUMN seo;
