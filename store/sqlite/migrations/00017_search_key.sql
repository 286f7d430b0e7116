-- +goose Up
-- The search index's rowid becomes a key in publication order (see
-- searchKey in search.go): FTS5 walks a match's rowids in order and can
-- stop after a page, so the newest matches, a capped count and a window of
-- candidates to rank cost the same on a million articles as on a thousand.
-- Articles indexed before keep their id as the key (search_key NULL) until
-- they are saved again or "sahafa reindex" runs.
ALTER TABLE articles ADD COLUMN search_key INTEGER;
CREATE UNIQUE INDEX articles_search_key ON articles (coalesce(search_key, id));
DROP TRIGGER articles_search_delete;
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = coalesce(old.search_key, old.id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER articles_search_delete;
-- +goose StatementBegin
CREATE TRIGGER articles_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = old.id;
END;
-- +goose StatementEnd
DROP INDEX articles_search_key;
ALTER TABLE articles DROP COLUMN search_key;
