-- Member search by name through keyed terms (projections/members/name_terms.py): every
-- start of a display name from one of its words, up to 32 characters, as a keyed hash, with
-- the member's join time. A search walks one range of the primary key in the list's order,
-- and counts its matches (up to the cap) from the index alone. Erasure deletes the member's
-- terms, and the erasure compaction rewrites the table (projections/compaction.py).
CREATE TABLE IF NOT EXISTS member_name_terms (
    term bigint NOT NULL,
    joined_at timestamptz NOT NULL,
    member_id uuid NOT NULL,
    PRIMARY KEY (term, joined_at, member_id)
);
CREATE INDEX IF NOT EXISTS member_name_terms_member_idx ON member_name_terms (member_id);
-- Sampled keyed hashes would outlive an erasure in pg_statistic; a term is matched one
-- value at a time, where the default estimate serves as well.
ALTER TABLE member_name_terms ALTER COLUMN term SET STATISTICS 0;

-- The trigram index on names goes: search no longer reads it, and it kept every name's
-- trigrams in plaintext until the table was rewritten.
DROP INDEX IF EXISTS members_name_search_idx;

-- The terms need the lookup key, which only the application holds: the members projection
-- replays the log to write them (as migration 0014 did to seal).
TRUNCATE members, member_identities, member_counts;
UPDATE projection_positions SET position = 0, updated_at = now() WHERE name = 'members';
