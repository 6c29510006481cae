-- The `consent` projection (projections/consent): consent texts, stored once per version,
-- each member's current consent per purpose, and every consent event as proof. The rows
-- hold no personal data but the optional note (sealed under the member's key); a member's
-- rows are deleted when they are erased, while the event log keeps the proof.
CREATE TABLE IF NOT EXISTS consent_texts (
    purpose text NOT NULL,        -- marketing_email, public_listing, case_study
    version text NOT NULL,
    text text NOT NULL,
    sha256 bytea NOT NULL,
    registered_at timestamptz NOT NULL,
    registered_by uuid,
    position bigint NOT NULL,
    PRIMARY KEY (purpose, version)
);

-- The latest consent event per (member, purpose) wins. No row: no consent.
CREATE TABLE IF NOT EXISTS member_consents (
    member_id uuid NOT NULL,
    purpose text NOT NULL,
    given boolean NOT NULL,       -- false: withdrawn
    text_version text,            -- the text shown when it was given
    source text NOT NULL,         -- form, import, staff
    recorded_by uuid,
    at timestamptz NOT NULL,      -- when the member gave or withdrew it
    expires_at timestamptz,
    position bigint NOT NULL,
    PRIMARY KEY (member_id, purpose)
);
-- "Whose consent to this purpose holds": the marketing export's first filter.
CREATE INDEX IF NOT EXISTS member_consents_given_idx
    ON member_consents (purpose, member_id) WHERE given;

CREATE TABLE IF NOT EXISTS consent_history (
    member_id uuid NOT NULL,
    position bigint NOT NULL,
    purpose text NOT NULL,
    given boolean NOT NULL,
    text_version text,
    source text NOT NULL,
    recorded_by uuid,
    at timestamptz NOT NULL,
    expires_at timestamptz,
    sealed_note bytea,
    recorded_with uuid,           -- the API key that recorded it (added by CONSENT)
    PRIMARY KEY (member_id, position)
);
