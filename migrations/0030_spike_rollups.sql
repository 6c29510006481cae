-- The causes of activity spikes from rollups the `health` projection keeps (projections/
-- health/spike_rollups.py), as deltas tagged by the UTC day they were recorded like
-- health_daily: a spike's threads, events and newcomers are a few hundred rollup rows, not
-- the interactions of its days and windows. Nothing personal: ids, dates, channels, counts.

-- First run only: the health read model is emptied and replays the log, which fills the
-- new tables (a later run, e.g. a benchmark refreshing it, leaves the rows alone).
DO $$
BEGIN
    IF to_regclass('health_threads') IS NULL THEN
        TRUNCATE health_members, health_member_periods, health_counts, health_daily,
            health_member_lasts, health_rollups, health_rollup_totals,
            health_membership_days, health_cohorts;
        UPDATE projection_positions SET position = 0, updated_at = now()
        WHERE name = 'health';
    END IF;
END $$;

-- The channel a member joined from (Member.Joined; '' when not known): newcomers by source.
ALTER TABLE health_members ADD COLUMN IF NOT EXISTS source_channel text NOT NULL DEFAULT '';

-- Counted members' interactions in a thread (thread_ref, '' a thread of that name) per UTC
-- day and channel, and their community events (kind: an event kind, '' for the others), as
-- deltas tagged by the day recorded. Only interactions with a thread_ref are kept here;
-- events outside threads are health_daily's event kinds less these.
CREATE TABLE IF NOT EXISTS health_threads (
    day date NOT NULL,
    thread_ref text NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    recorded_day date NOT NULL,
    interactions integer NOT NULL,
    PRIMARY KEY (day, thread_ref, channel, kind, recorded_day)
);
-- A thread's usual level: its rows of the trailing window, from the index alone.
CREATE INDEX IF NOT EXISTS health_threads_thread_idx
    ON health_threads (thread_ref, day) INCLUDE (channel, recorded_day, interactions);

-- Each member's share of health_threads (staff and bots too), so that a flag change takes
-- out, or adds back, exactly what they added; an erased member's rows are deleted.
CREATE TABLE IF NOT EXISTS health_member_threads (
    member_id uuid NOT NULL,
    day date NOT NULL,
    thread_ref text NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    interactions integer NOT NULL,
    PRIMARY KEY (member_id, day, thread_ref, channel, kind)
);

-- Counted members by the UTC day of their first interaction ever and the channel they
-- joined from, as deltas tagged by the day recorded (a late first interaction moves one).
CREATE TABLE IF NOT EXISTS health_newcomers (
    day date NOT NULL,
    source_channel text NOT NULL,
    recorded_day date NOT NULL,
    members integer NOT NULL,
    PRIMARY KEY (day, source_channel, recorded_day)
);

-- A rebuild's staging carries what the rollups above key.
ALTER TABLE health_replay_interactions ADD COLUMN IF NOT EXISTS thread_ref text;
ALTER TABLE health_replay_members
    ADD COLUMN IF NOT EXISTS source_channel text NOT NULL DEFAULT '';

-- What only the spike causes read, now from the rollups (migrations 0022 and 0029): the
-- interactions by time and by thread and time, newcomers by first interaction, members'
-- source channels, uncounted members.
DROP INDEX IF EXISTS member_interactions_occurred_idx;
DROP INDEX IF EXISTS member_interactions_thread_time_idx;
DROP INDEX IF EXISTS health_members_first_member_idx;
DROP INDEX IF EXISTS members_source_idx;
DROP INDEX IF EXISTS health_members_uncounted_idx;
