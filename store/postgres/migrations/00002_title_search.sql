-- +goose Up
-- The headline's lexemes (weight A of search_vector) in a column and an
-- index of their own, so that a broad search can find the matches holding
-- the query in their headline (the first tier of its results) from the
-- index alone: a weight-restricted query ('term':A) on search_vector would
-- make PostgreSQL re-read the whole, TOASTed vector of every match.
ALTER TABLE articles ADD COLUMN title_vector tsvector
    GENERATED ALWAYS AS (ts_filter(search_vector, '{a}')) STORED;
CREATE INDEX articles_title_search ON articles USING gin (title_vector);

-- +goose Down
DROP INDEX articles_title_search;
ALTER TABLE articles DROP COLUMN title_vector;
