-- +goose Up
-- The address each image fetched from another site came from ("sahafa
-- media fetch"): a second run, or another article with the same picture,
-- uses the library's copy instead of fetching it again.
CREATE TABLE media_origins (
    url      TEXT PRIMARY KEY,
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX media_origins_media ON media_origins (media_id);

-- +goose Down
DROP TABLE media_origins;
