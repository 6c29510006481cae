-- Personal data at rest in the read models is sealed under each member's own key (see
-- projections/personal.py): e-mails, attributes, handles, interaction urls and summaries
-- are AES-GCM ciphertext, found through keyed blind indexes. Shredding a member's key at
-- erasure then leaves nothing readable of them in any row version, index or WAL record.
--
-- Nothing here can seal (the keys are not in the database), so the read models that held
-- plaintext are emptied and their projections replay the log, which re-seals. Emptying
-- them also drops the old table files, with their dead rows.
TRUNCATE members, member_identities, member_counts, member_interactions, member_engagement,
    member_channel_engagement, member_activity_weeks, member_rank_buckets;
UPDATE projection_positions SET position = 0, updated_at = now()
WHERE name IN ('members', 'engagement');

ALTER TABLE members
    DROP COLUMN email,
    DROP COLUMN attributes,
    DROP COLUMN search_text,
    ADD COLUMN sealed_email bytea,
    ADD COLUMN sealed_attributes bytea,
    -- Blind indexes: of the e-mail, and of it and every handle, for exact search.
    ADD COLUMN email_key bytea,
    ADD COLUMN search_keys bytea[] NOT NULL DEFAULT '{}';
CREATE INDEX IF NOT EXISTS members_search_keys_idx ON members USING gin (search_keys);

-- The display name stays plaintext (the list sorts by it, search matches it by substring),
-- so erasure rewrites the table afterwards (erasure_compactions below). The planner's
-- statistics would keep sampled names in pg_statistic: none are gathered for it, and
-- those gathered already go (a type change and new indexes drop them).
ALTER TABLE members ALTER COLUMN display_name TYPE text;
ALTER TABLE members ALTER COLUMN display_name SET STATISTICS 0;
DROP INDEX IF EXISTS members_name_idx;
DROP INDEX IF EXISTS members_name_search_idx;
CREATE INDEX members_name_idx ON members (coalesce(lower(display_name), ''), member_id);
CREATE INDEX members_name_search_idx ON members USING gin (lower(display_name) gin_trgm_ops);
ALTER INDEX members_name_idx ALTER COLUMN 1 SET STATISTICS 0;
ALTER INDEX members_name_search_idx ALTER COLUMN 1 SET STATISTICS 0;
-- Nor on blind indexes: they are matched one value at a time, where the default estimate
-- serves as well, and sampled keyed hashes would outlive an erasure in pg_statistic.
ALTER TABLE members ALTER COLUMN email_key SET STATISTICS 0;
ALTER TABLE members ALTER COLUMN search_keys SET STATISTICS 0;

DROP TABLE member_identities;
CREATE TABLE member_identities (
    channel text NOT NULL,
    -- Blind index of the normalised handle: memberByIdentity and search compare it.
    handle_key bytea NOT NULL,
    sealed_handle bytea,
    member_id uuid NOT NULL,
    linked_at timestamptz NOT NULL,
    PRIMARY KEY (channel, handle_key)
);
CREATE INDEX member_identities_member_idx ON member_identities (member_id);
ALTER TABLE member_identities ALTER COLUMN handle_key SET STATISTICS 0;

-- url and summary, sealed together (most interactions have neither: NULL).
ALTER TABLE member_interactions
    DROP COLUMN url,
    DROP COLUMN summary,
    ADD COLUMN sealed_content bytea;

-- Erasures whose tables still have to be rewritten: the members projection records one
-- with the page that empties the member's row, and the projection worker rewrites the
-- tables once the oldest pending one is CRM_ERASURE_COMPACTION_SECONDS old
-- (projections/compaction.py). Kept here, not in memory, so a restart forgets none.
CREATE TABLE IF NOT EXISTS erasure_compactions (
    member_id uuid PRIMARY KEY,
    erased_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    compacted_at timestamptz
);
CREATE INDEX IF NOT EXISTS erasure_compactions_pending_idx
    ON erasure_compactions (erased_at) WHERE compacted_at IS NULL;
