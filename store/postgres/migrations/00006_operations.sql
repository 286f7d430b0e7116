-- +goose Up
-- Sign-in attempt counters shared by every server on the database: a rate
-- limiter per key ("account:…", "address:…", "password:…") in the form of
-- GCRA. tat is the theoretical arrival time (Unix milliseconds) of the next
-- attempt; a key with tat in the past is at full burst and may be deleted.
-- Unlogged: losing the counters in a crash only forgets recent failures,
-- and the table takes a write per sign-in attempt.
CREATE UNLOGGED TABLE signin_attempts (
    key text PRIMARY KEY,
    tat bigint NOT NULL
);

-- +goose Down
DROP TABLE signin_attempts;
