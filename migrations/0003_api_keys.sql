-- API keys: only a SHA-256 of the secret is kept; the key itself is shown once.
CREATE TABLE IF NOT EXISTS api_keys (
    key_id uuid PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'manager', 'product', 'marketing', 'viewer')),
    secret_hash bytea NOT NULL UNIQUE,
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz
);
