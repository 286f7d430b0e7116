-- +goose Up
-- Old addresses that are not an article's (imported pages, category, tag
-- and author archives, feeds), with the path of this site they answer 301
-- to.
CREATE TABLE path_redirects (
    path   TEXT PRIMARY KEY,
    target TEXT NOT NULL
);

-- +goose Down
DROP TABLE path_redirects;
