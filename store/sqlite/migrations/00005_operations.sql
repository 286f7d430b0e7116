-- +goose Up
-- Operations: sign-in attempt counters shared by every process on the
-- database, and change tracking that lets page caches drop only what a
-- write changed.
--
-- signin_attempts is a rate limiter per key ("account:…", "address:…",
-- "password:…") in the form of GCRA: tat is the theoretical arrival time
-- (Unix milliseconds) of the next attempt; a key with tat in the past is
-- at full burst, and its row may be deleted.
CREATE TABLE signin_attempts (
    key TEXT PRIMARY KEY,
    tat INTEGER NOT NULL
) WITHOUT ROWID;

-- content_version counts writes to the tables public pages are made of.
-- The triggers below bump it; the change watcher reads it when SQLite's
-- data_version says another connection committed, and drops the whole
-- page cache only when it moved. Writes that change no page (sessions,
-- sign-in attempts, stored related lists) leave it alone, so a spray of
-- failed sign-ins or the related-lists refresher cannot empty the cache.
CREATE TABLE content_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO content_version (id, n) VALUES (1, 0);

-- related_changes lists the articles whose stored "you may also read"
-- list was written, so that only their pages are dropped. SetRelated
-- keeps the last few thousand rows; a watcher that finds a gap drops
-- everything.
CREATE TABLE related_changes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL
);
-- +goose StatementBegin
CREATE TRIGGER sections_insert_version AFTER INSERT ON sections BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sections_update_version AFTER UPDATE ON sections BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER sections_delete_version AFTER DELETE ON sections BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER authors_insert_version AFTER INSERT ON authors BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER authors_update_version AFTER UPDATE ON authors BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER authors_delete_version AFTER DELETE ON authors BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_insert_version AFTER INSERT ON articles BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_update_version AFTER UPDATE ON articles BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_delete_version AFTER DELETE ON articles BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_authors_insert_version AFTER INSERT ON article_authors BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_authors_update_version AFTER UPDATE ON article_authors BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_authors_delete_version AFTER DELETE ON article_authors BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tags_insert_version AFTER INSERT ON tags BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tags_update_version AFTER UPDATE ON tags BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tags_delete_version AFTER DELETE ON tags BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_tags_insert_version AFTER INSERT ON article_tags BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_tags_update_version AFTER UPDATE ON article_tags BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER article_tags_delete_version AFTER DELETE ON article_tags BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revisions_insert_version AFTER INSERT ON revisions BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revisions_update_version AFTER UPDATE ON revisions BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER revisions_delete_version AFTER DELETE ON revisions BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_insert_version AFTER INSERT ON events BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_update_version AFTER UPDATE ON events BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER events_delete_version AFTER DELETE ON events BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER corrections_insert_version AFTER INSERT ON corrections BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER corrections_update_version AFTER UPDATE ON corrections BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER corrections_delete_version AFTER DELETE ON corrections BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER redirects_insert_version AFTER INSERT ON redirects BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER redirects_update_version AFTER UPDATE ON redirects BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER redirects_delete_version AFTER DELETE ON redirects BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_insert_version AFTER INSERT ON settings BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_update_version AFTER UPDATE ON settings BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER settings_delete_version AFTER DELETE ON settings BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_insert_version AFTER INSERT ON media BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_update_version AFTER UPDATE ON media BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_delete_version AFTER DELETE ON media BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_files_insert_version AFTER INSERT ON media_files BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_files_update_version AFTER UPDATE ON media_files BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_files_delete_version AFTER DELETE ON media_files BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
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
-- +goose Down
DROP TRIGGER sections_insert_version;
DROP TRIGGER sections_update_version;
DROP TRIGGER sections_delete_version;
DROP TRIGGER authors_insert_version;
DROP TRIGGER authors_update_version;
DROP TRIGGER authors_delete_version;
DROP TRIGGER articles_insert_version;
DROP TRIGGER articles_update_version;
DROP TRIGGER articles_delete_version;
DROP TRIGGER article_authors_insert_version;
DROP TRIGGER article_authors_update_version;
DROP TRIGGER article_authors_delete_version;
DROP TRIGGER tags_insert_version;
DROP TRIGGER tags_update_version;
DROP TRIGGER tags_delete_version;
DROP TRIGGER article_tags_insert_version;
DROP TRIGGER article_tags_update_version;
DROP TRIGGER article_tags_delete_version;
DROP TRIGGER revisions_insert_version;
DROP TRIGGER revisions_update_version;
DROP TRIGGER revisions_delete_version;
DROP TRIGGER events_insert_version;
DROP TRIGGER events_update_version;
DROP TRIGGER events_delete_version;
DROP TRIGGER corrections_insert_version;
DROP TRIGGER corrections_update_version;
DROP TRIGGER corrections_delete_version;
DROP TRIGGER redirects_insert_version;
DROP TRIGGER redirects_update_version;
DROP TRIGGER redirects_delete_version;
DROP TRIGGER settings_insert_version;
DROP TRIGGER settings_update_version;
DROP TRIGGER settings_delete_version;
DROP TRIGGER media_insert_version;
DROP TRIGGER media_update_version;
DROP TRIGGER media_delete_version;
DROP TRIGGER media_files_insert_version;
DROP TRIGGER media_files_update_version;
DROP TRIGGER media_files_delete_version;
DROP TRIGGER comments_insert_version;
DROP TRIGGER comments_update_version;
DROP TRIGGER comments_delete_version;
DROP TABLE related_changes;
DROP TABLE content_version;
DROP TABLE signin_attempts;
