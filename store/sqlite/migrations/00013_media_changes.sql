-- +goose Up
-- A new upload is on no page, and processing it or cutting its crops
-- again changes only the pages that show it: these writes no longer bump
-- content_version (which drops every cached page of every server), and
-- the store reports them in related_changes with the image's id instead,
-- so that only pages tagged with it are dropped. Edits of the texts,
-- trashing and deleting still bump it.
ALTER TABLE related_changes ADD COLUMN media_id INTEGER;
DROP TRIGGER media_insert_version;
DROP TRIGGER media_update_version;
DROP TRIGGER media_files_insert_version;
DROP TRIGGER media_files_update_version;
DROP TRIGGER media_files_delete_version;
DROP TRIGGER media_crops_insert_version;
DROP TRIGGER media_crops_delete_version;
-- +goose StatementBegin
CREATE TRIGGER media_update_version AFTER UPDATE OF alt, caption, credit, deleted_at ON media BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER media_update_version;
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
CREATE TRIGGER media_crops_insert_version AFTER INSERT ON media_crops BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER media_crops_delete_version AFTER DELETE ON media_crops BEGIN
    UPDATE content_version SET n = n + 1;
END;
-- +goose StatementEnd
ALTER TABLE related_changes DROP COLUMN media_id;
