-- The `disclosures` projection (projections/disclosures): every export of members' personal
-- data (marketing's ambassador list, a data-subject access export), who ran it, when, with
-- which filter and rule versions, and which members it held. No contact data is kept: an
-- export record names members by id only, so an erased member's entry reads as erased.
CREATE TABLE IF NOT EXISTS disclosures (
    export_id uuid PRIMARY KEY,
    kind text NOT NULL,           -- marketing_ambassadors, data_subject_access
    requested_by text NOT NULL,   -- the API key's name (or the CLI's operator)
    role text NOT NULL,
    key_id uuid,
    at timestamptz NOT NULL,
    filter jsonb NOT NULL DEFAULT '{}',
    rule_versions jsonb NOT NULL DEFAULT '{}',
    row_count integer NOT NULL,
    position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS disclosures_newest_idx ON disclosures (at DESC, export_id DESC);

CREATE TABLE IF NOT EXISTS disclosure_members (
    member_id uuid NOT NULL,
    export_id uuid NOT NULL,
    PRIMARY KEY (member_id, export_id)
);
CREATE INDEX IF NOT EXISTS disclosure_members_export_idx ON disclosure_members (export_id);
