-- +goose Up
-- Per-term document counts of the search index, for picking the telling
-- terms of an article in the "you may also read" query.
CREATE VIRTUAL TABLE article_search_vocab USING fts5vocab (article_search, 'row');

-- +goose Down
DROP TABLE article_search_vocab;
