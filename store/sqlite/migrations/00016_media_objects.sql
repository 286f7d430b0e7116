-- +goose Up
-- Media may keep its bytes in an object store (sahafa serve --media
-- s3://…): object_key is then where they are, and data is empty.
ALTER TABLE media_files ADD COLUMN object_key TEXT NOT NULL DEFAULT '';
ALTER TABLE media_crops ADD COLUMN object_key TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE media_crops DROP COLUMN object_key;
ALTER TABLE media_files DROP COLUMN object_key;
