-- +goose Up
-- The editor's additions: SEO fields, the trash, and an author directory.
--
-- seo: the article's search and share overrides as JSON ('' for none).
-- deleted_at: in the trash since (Unix seconds); NULL when not.
ALTER TABLE articles ADD COLUMN seo TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN deleted_at INTEGER;
CREATE INDEX articles_trash ON articles (deleted_at) WHERE deleted_at IS NOT NULL;

-- Paths of deleted articles: they answer 410 Gone, not 404.
CREATE TABLE gone_paths (
    path TEXT PRIMARY KEY,
    at   INTEGER NOT NULL
);

-- name_key: the name as arabic.Normalize folds it, so that "أحمد" and
-- "احمد" are one person. Filled by the store when it opens.
ALTER TABLE authors ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE authors ADD COLUMN profile TEXT NOT NULL DEFAULT '';
CREATE INDEX authors_name_key ON authors (name_key);

-- What leads to an author besides their own name and slug: the names and
-- slugs of the authors merged into them, and their own earlier slugs.
CREATE TABLE author_aliases (
    kind      TEXT NOT NULL, -- 'key' or 'slug'
    value     TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value)
);
CREATE INDEX author_aliases_author ON author_aliases (author_id);

-- +goose StatementBegin
CREATE TRIGGER gone_paths_insert_version AFTER INSERT ON gone_paths BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER gone_paths_delete_version AFTER DELETE ON gone_paths BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER author_aliases_insert_version AFTER INSERT ON author_aliases BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER author_aliases_delete_version AFTER DELETE ON author_aliases BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER author_aliases_delete_version;
DROP TRIGGER author_aliases_insert_version;
DROP TRIGGER gone_paths_delete_version;
DROP TRIGGER gone_paths_insert_version;
DROP TABLE author_aliases;
DROP INDEX authors_name_key;
ALTER TABLE authors DROP COLUMN profile;
ALTER TABLE authors DROP COLUMN name_key;
DROP TABLE gone_paths;
DROP INDEX articles_trash;
ALTER TABLE articles DROP COLUMN deleted_at;
ALTER TABLE articles DROP COLUMN seo;
