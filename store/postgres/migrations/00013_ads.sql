-- +goose Up
-- Ad impressions and clicks per hour, ad and slot (the ads themselves are
-- in the settings).
CREATE TABLE ad_stats (
    hour        timestamptz NOT NULL,
    ad_id       bigint NOT NULL,
    slot        text NOT NULL,
    impressions bigint NOT NULL DEFAULT 0,
    clicks      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (hour, ad_id, slot)
);

-- +goose Down
DROP TABLE ad_stats;
