-- +goose Up
-- Every page's menu showed each section's published articles, counted by
-- scanning them all on every render (linear in the archive: bench/scale.sh).
-- The count is now kept in the section's row by a trigger.
ALTER TABLE sections ADD COLUMN published bigint NOT NULL DEFAULT 0;
UPDATE sections SET published = (SELECT count(*) FROM articles a WHERE a.section_id = sections.id AND a.status = 'published');
-- +goose StatementBegin
CREATE FUNCTION sahafa_count_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
        UPDATE sections SET published = published - 1 WHERE id = OLD.section_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'published' THEN
        UPDATE sections SET published = published + 1 WHERE id = NEW.section_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER articles_count_insert AFTER INSERT ON articles FOR EACH ROW WHEN (NEW.status = 'published')
    EXECUTE FUNCTION sahafa_count_published();
CREATE TRIGGER articles_count_delete AFTER DELETE ON articles FOR EACH ROW WHEN (OLD.status = 'published')
    EXECUTE FUNCTION sahafa_count_published();
CREATE TRIGGER articles_count_update AFTER UPDATE OF status, section_id ON articles FOR EACH ROW
    WHEN ((OLD.status = 'published') IS DISTINCT FROM (NEW.status = 'published') OR OLD.section_id IS DISTINCT FROM NEW.section_id)
    EXECUTE FUNCTION sahafa_count_published();

-- +goose Down
DROP TRIGGER articles_count_update ON articles;
DROP TRIGGER articles_count_delete ON articles;
DROP TRIGGER articles_count_insert ON articles;
DROP FUNCTION sahafa_count_published();
ALTER TABLE sections DROP COLUMN published;
