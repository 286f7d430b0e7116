-- +goose Up
-- The editor's autosaves (per user and article, 0 for a new one: the
-- form's last state as JSON) and who is editing what. Written outside
-- writeTx: they change no page and notify no node.
CREATE TABLE autosaves (
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    article_id bigint NOT NULL,
    saved_at   timestamptz NOT NULL,
    version    integer NOT NULL,
    data       jsonb NOT NULL,
    PRIMARY KEY (user_id, article_id)
);

CREATE UNLOGGED TABLE edit_presence (
    article_id bigint NOT NULL,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_name  text NOT NULL,
    since      timestamptz NOT NULL,
    seen       timestamptz NOT NULL,
    taken_by   text NOT NULL DEFAULT '',
    PRIMARY KEY (article_id, user_id)
);

-- +goose Down
DROP TABLE edit_presence;
DROP TABLE autosaves;
