-- +goose Up
-- Images framed for every shape pages use, and processed in the
-- background so that an upload does not keep the editor waiting; the
-- trash for images.
--
-- framing: focal point and drawn crops as JSON ('' for none).
-- crops: the sizes stored in media_crops, by ratio, as JSON.
-- state: '' ready, 'pending' until the background makes the variants,
-- 'failed' (problem says why). deleted_at: in the trash since.
ALTER TABLE media ADD COLUMN framing TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN crops TEXT NOT NULL DEFAULT '[]';
ALTER TABLE media ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN problem TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN deleted_at INTEGER;
CREATE INDEX media_pending ON media (id) WHERE state = 'pending';
CREATE INDEX media_trash ON media (deleted_at) WHERE deleted_at IS NOT NULL;

-- An upload as it came, until its variants are made; never served.
CREATE TABLE media_sources (
    media_id INTEGER PRIMARY KEY REFERENCES media (id) ON DELETE CASCADE,
    data     BLOB NOT NULL
);

-- The sizes of each crop of an image.
CREATE TABLE media_crops (
    id           INTEGER PRIMARY KEY,
    media_id     INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    ratio        TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    ext          TEXT NOT NULL,
    data         BLOB NOT NULL,
    UNIQUE (media_id, ratio, width)
);

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

-- +goose Down
DROP TRIGGER media_crops_delete_version;
DROP TRIGGER media_crops_insert_version;
DROP TABLE media_crops;
DROP TABLE media_sources;
DROP INDEX media_trash;
DROP INDEX media_pending;
ALTER TABLE media DROP COLUMN deleted_at;
ALTER TABLE media DROP COLUMN problem;
ALTER TABLE media DROP COLUMN state;
ALTER TABLE media DROP COLUMN crops;
ALTER TABLE media DROP COLUMN framing;
