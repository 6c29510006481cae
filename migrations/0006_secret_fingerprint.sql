-- A fingerprint of CRM_SECRET_KEY: a process started with another secret is refused,
-- instead of writing member keys that the rest of the data cannot be read with.
CREATE TABLE IF NOT EXISTS secret_fingerprint (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    fingerprint bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
