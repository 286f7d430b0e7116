-- +goose Up
-- Ad impressions and clicks per hour, ad and slot (the ads themselves are
-- in the settings). No content_version trigger: counting changes no page.
CREATE TABLE ad_stats (
    hour        INTEGER NOT NULL,
    ad_id       INTEGER NOT NULL,
    slot        TEXT NOT NULL,
    impressions INTEGER NOT NULL DEFAULT 0,
    clicks      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, ad_id, slot)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE ad_stats;
