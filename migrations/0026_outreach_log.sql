-- The outreach log (projections/outreach/log.py) and the welcome queue
-- (projections/outreach/welcome.py). Outcomes are not stored: they derive at read time from
-- the member's interactions and lifecycle stages (domain/outreach/outcomes.py).

-- One row per outreach; the note is sealed under the member's key (erasure shreds it, and
-- the sealed copy goes too).
CREATE TABLE IF NOT EXISTS outreach_log (
    outreach_id uuid PRIMARY KEY,
    member_id uuid NOT NULL,
    staff_id uuid NOT NULL,
    channel text NOT NULL,
    purpose text NOT NULL,
    sealed_note bytea,
    at timestamptz NOT NULL,
    member_erased boolean NOT NULL DEFAULT false,
    position bigint NOT NULL,
    recorded_at timestamptz NOT NULL
);
-- Effectiveness over a span, and the log newest first.
CREATE INDEX IF NOT EXISTS outreach_log_at_idx ON outreach_log (at, outreach_id);
-- A member's outreach (the comparison group's "not contacted" test; the member's log).
CREATE INDEX IF NOT EXISTS outreach_log_member_idx ON outreach_log (member_id, at);

-- Every member as a possible newcomer: when they joined and first interacted, where they
-- showed up, and when staff first welcomed them (a WELCOME outreach, or a staff member's
-- interaction in the thread of their first message, after it). showed_up_at is the later
-- of joining and the first interaction: a member is a newcomer while it is within
-- CRM_OUTREACH_WELCOME_DAYS, i.e. while they joined or first interacted in that window.
CREATE TABLE IF NOT EXISTS outreach_newcomers (
    member_id uuid PRIMARY KEY,
    joined_at timestamptz,
    source_channel text,
    first_interaction_at timestamptz,
    first_interaction_id uuid,
    first_channel text,
    first_thread_ref text,
    showed_up_at timestamptz GENERATED ALWAYS AS (greatest(joined_at, first_interaction_at)) STORED,
    -- Where they showed up: their first interaction's channel, else the one they joined on.
    channel text GENERATED ALWAYS AS (coalesce(first_channel, source_channel)) STORED,
    welcomed_at timestamptz,
    welcomed_by uuid,
    welcomed_how text,            -- outreach, staff_reply
    is_staff boolean NOT NULL DEFAULT false,
    is_bot boolean NOT NULL DEFAULT false,
    gone boolean NOT NULL DEFAULT false,   -- left or erased
    queued boolean GENERATED ALWAYS AS (
        welcomed_at IS NULL AND NOT is_staff AND NOT is_bot AND NOT gone) STORED
);
-- The queue oldest first, all channels or one: a range scan of the unwelcomed.
CREATE INDEX IF NOT EXISTS outreach_newcomers_queue_idx
    ON outreach_newcomers (showed_up_at, member_id) WHERE queued;
CREATE INDEX IF NOT EXISTS outreach_newcomers_channel_idx
    ON outreach_newcomers (channel, showed_up_at, member_id) WHERE queued;
-- Time to welcome per week.
CREATE INDEX IF NOT EXISTS outreach_newcomers_showed_up_idx ON outreach_newcomers (showed_up_at);
-- A staff reply finds the unwelcomed newcomers whose first message started or joined its thread.
CREATE INDEX IF NOT EXISTS outreach_newcomers_thread_idx
    ON outreach_newcomers (first_thread_ref) WHERE welcomed_at IS NULL AND first_thread_ref IS NOT NULL;

-- The recovery comparison: at-risk intervals overlapping a week (read from the lifecycle
-- read model as it is, with an index of its own).
CREATE INDEX IF NOT EXISTS member_stage_history_at_risk_span_idx
    ON member_stage_history USING gist (tstzrange(effective_at, until))
    WHERE stage = 'at_risk';
-- The stage that ended an at-risk interval (did the member come back?), found by a range
-- of the comparison's span and a hash join, not one probe per interval.
CREATE INDEX IF NOT EXISTS member_stage_history_after_risk_idx
    ON member_stage_history (effective_at, member_id) WHERE previous = 'at_risk';

-- How many of the weeks chosen for the comparison have an ordinal in [lo, hi], given the
-- prefix counts of the chosen weeks (prefix[i + 1]: chosen weeks with an ordinal below i;
-- ordinals count weeks from the first chosen one). Inlined by the planner.
CREATE OR REPLACE FUNCTION outreach_weeks_in(prefix integer[], lo integer, hi integer)
RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN greatest(lo, 0) > least(hi, cardinality(prefix) - 2) THEN 0
        ELSE prefix[least(hi, cardinality(prefix) - 2) + 2] - prefix[greatest(lo, 0) + 1] END
$$;
