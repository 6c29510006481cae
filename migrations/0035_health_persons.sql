-- Merged members in the health read model (projections/health/persons.py): each member's
-- rows stay its own (what came through its identities); while members are merged, the
-- person they make has rows of its own under a key of the merge, holding both histories,
-- and only the person counts. An unmerge deletes the person's rows and counts the members
-- apart again.
DO $$
BEGIN
    IF to_regclass('health_members') IS NOT NULL AND NOT EXISTS (
        SELECT FROM information_schema.columns
        WHERE table_name = 'health_members' AND column_name = 'counted_as'
    ) THEN
        -- A member merged with others: the key of the person it counts as (NULL: itself).
        ALTER TABLE health_members ADD COLUMN counted_as uuid;
        -- A person's row: the member it follows (flags, membership and stage are the
        -- target's, as the members read model shows the person).
        ALTER TABLE health_members ADD COLUMN person_of uuid;
        ALTER TABLE health_members DROP COLUMN counted;
        ALTER TABLE health_members ADD COLUMN counted boolean GENERATED ALWAYS AS
            (NOT is_staff AND NOT is_bot AND NOT erased AND counted_as IS NULL) STORED;
    END IF;
END $$;
-- A merge's members are a key away.
CREATE INDEX IF NOT EXISTS health_members_counted_as_idx ON health_members (counted_as)
    WHERE counted_as IS NOT NULL;

-- A rebuild's staging: the same, and the persons an unmerge dissolved (their rows go).
ALTER TABLE health_replay_members ADD COLUMN IF NOT EXISTS counted_as uuid;
ALTER TABLE health_replay_members ADD COLUMN IF NOT EXISTS person_of uuid;
ALTER TABLE health_replay_members
    ADD COLUMN IF NOT EXISTS dissolved boolean NOT NULL DEFAULT false;

-- A log that already holds merges replays into the health read model once.
DO $$
BEGIN
    IF EXISTS (SELECT FROM community_events WHERE topic = 'crm.member.MergedInto') THEN
        UPDATE projection_positions SET position = 0, updated_at = now() WHERE name = 'health';
        TRUNCATE health_members, health_member_periods, health_counts, health_daily,
            health_member_lasts, health_rollups, health_rollup_totals,
            health_membership_days, health_cohorts, health_threads, health_member_threads,
            health_newcomers;
    END IF;
END $$;
