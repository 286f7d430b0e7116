-- +goose Up
-- Every page's menu showed each section's published articles, counted by
-- scanning them all on every render (linear in the archive: bench/scale.sh).
-- The count is now kept in the section's row by triggers.
ALTER TABLE sections ADD COLUMN published INTEGER NOT NULL DEFAULT 0;
UPDATE sections SET published = (SELECT count(*) FROM articles a WHERE a.section_id = sections.id AND a.status = 'published');
-- +goose StatementBegin
CREATE TRIGGER articles_count_insert AFTER INSERT ON articles WHEN NEW.status = 'published' BEGIN
    UPDATE sections SET published = published + 1 WHERE id = NEW.section_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_count_delete AFTER DELETE ON articles WHEN OLD.status = 'published' BEGIN
    UPDATE sections SET published = published - 1 WHERE id = OLD.section_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER articles_count_update AFTER UPDATE OF status, section_id ON articles
WHEN (OLD.status = 'published') <> (NEW.status = 'published') OR OLD.section_id <> NEW.section_id BEGIN
    UPDATE sections SET published = published - 1 WHERE id = OLD.section_id AND OLD.status = 'published';
    UPDATE sections SET published = published + 1 WHERE id = NEW.section_id AND NEW.status = 'published';
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER articles_count_update;
DROP TRIGGER articles_count_delete;
DROP TRIGGER articles_count_insert;
ALTER TABLE sections DROP COLUMN published;
