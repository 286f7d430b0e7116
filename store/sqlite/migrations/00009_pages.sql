-- +goose Up
-- Static pages (من نحن، اتصل بنا …), served at /{slug}/.
CREATE TABLE pages (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    body_source TEXT NOT NULL DEFAULT '',
    footer      INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER pages_insert_version AFTER INSERT ON pages BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pages_update_version AFTER UPDATE ON pages BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pages_delete_version AFTER DELETE ON pages BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER pages_delete_version;
DROP TRIGGER pages_update_version;
DROP TRIGGER pages_insert_version;
DROP TABLE pages;
