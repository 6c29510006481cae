-- Per-member keys for crypto-shredding: erasing a member nulls its key, making every
-- copy of its personal data in the event log unreadable. Kept outside the event table.
CREATE TABLE IF NOT EXISTS personal_data_keys (
    subject_id uuid PRIMARY KEY,
    wrapped_key bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    shredded_at timestamptz,
    CHECK ((wrapped_key IS NULL) = (shredded_at IS NOT NULL))
);

-- One member at most per (channel, handle): a keyed hash of the pair, written in the
-- same transaction as the IdentityLinked event, so the handle is not stored twice in clear.
CREATE TABLE IF NOT EXISTS identity_claims (
    claim_hash bytea PRIMARY KEY,
    member_id uuid NOT NULL
);
CREATE INDEX IF NOT EXISTS identity_claims_member_idx ON identity_claims (member_id);
