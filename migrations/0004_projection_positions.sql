-- Where each projection stands in the notification log. A projection updates its row in
-- the same transaction as its read tables (exactly once), and locks it while it works so
-- that two workers never apply the same page.
CREATE TABLE IF NOT EXISTS projection_positions (
    name text PRIMARY KEY,
    position bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
