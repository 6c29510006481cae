-- What outreach effectiveness reads, kept as the facts arrive instead of derived per read
-- (domain/outreach/outcomes.py and effectiveness.py define the figures; the reads are in
-- projections/outreach/log_queries.py and effectiveness_queries.py).
--
-- Kept by statement triggers on the read models the facts come from (member_interactions,
-- member_stage_history) and on outreach_log itself, so that whichever projection applies
-- its event last finds the other's row: the facts never depend on which runs first.

-- Per outreach: the member's first interaction after it (a reaction received is not the
-- member's doing), their stage at it, and their first move to active or returning after
-- it. Unbounded by the reply window: the window (configurable) and `now` are applied at
-- read time, and the first fact after the outreach decides for every window.
ALTER TABLE outreach_log
    ADD COLUMN IF NOT EXISTS first_reply_at timestamptz,
    ADD COLUMN IF NOT EXISTS stage_at_contact text,
    ADD COLUMN IF NOT EXISTS returned_at timestamptz;

-- Every at-risk interval [started_at, ended_at) that is not empty, whether the stage that
-- ended it is active or returning (back), and whether any outreach reached the member
-- (reached). The comparison's exact part reads the reached ones (few), and the others by
-- start (the weeks still pending).
CREATE TABLE IF NOT EXISTS outreach_risk_spans (
    member_id uuid NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    back boolean NOT NULL DEFAULT false,
    reached boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS outreach_risk_spans_member_idx
    ON outreach_risk_spans (member_id, started_at);
CREATE INDEX IF NOT EXISTS outreach_risk_spans_reached_idx
    ON outreach_risk_spans (started_at) WHERE reached;
CREATE INDEX IF NOT EXISTS outreach_risk_spans_started_idx
    ON outreach_risk_spans (started_at);

-- Per UTC day: intervals that began (the day of started_at) and that ended (the first day
-- whose midnight is at or after ended_at, so that "ended by Monday W" is "day <= W").
-- The intervals overlapping a week are a difference of prefix sums: no row per open
-- interval and week, so an interval still open needs no event to count in a new week.
CREATE TABLE IF NOT EXISTS outreach_risk_days (
    day date PRIMARY KEY,
    entered bigint NOT NULL DEFAULT 0,
    exited bigint NOT NULL DEFAULT 0
);

-- The intervals that ended back in activity, by the day they began, the day they ended
-- (as above) and their length in days rounded up: "back within N days of the start" and
-- "back within N days of a Monday" are both sums over ranges, for any N.
CREATE TABLE IF NOT EXISTS outreach_risk_returns (
    entry_day date NOT NULL,
    exit_day date NOT NULL,
    delay_days integer NOT NULL,
    n bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_day, exit_day, delay_days)
);
CREATE INDEX IF NOT EXISTS outreach_risk_returns_exit_idx
    ON outreach_risk_returns (exit_day, entry_day);

-- The day an instant falls on, and the first midnight at or after it (UTC).
CREATE OR REPLACE FUNCTION outreach_day_of(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (at AT TIME ZONE 'UTC')::date $$;
CREATE OR REPLACE FUNCTION outreach_day_after(at timestamptz) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ((at - interval '1 microsecond') AT TIME ZONE 'UTC')::date + 1
$$;

-- The outcome of one outreach as of `now`: derive_outcome (domain/outreach/outcomes.py)
-- in SQL, so that effectiveness is tallied where the rows are. RETURNED when the member
-- was at risk or inactive when contacted and moved to active or returning within the
-- window (up to now); else REPLIED when they interacted within it; else PENDING while the
-- window is open; else NO_RESPONSE. An integration test holds both equal. STABLE, as its
-- body is (timestamptz arithmetic): so the planner inlines it.
CREATE OR REPLACE FUNCTION outreach_outcome(at timestamptz, first_reply_at timestamptz,
    stage_at_contact text, returned_at timestamptz, now timestamptz, reply_window interval)
RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN stage_at_contact IN ('at_risk', 'inactive') AND returned_at > at
            AND returned_at <= least(at + reply_window, now) THEN 'returned'
        WHEN first_reply_at > at AND first_reply_at <= least(at + reply_window, now)
            THEN 'replied'
        WHEN now <= at + reply_window THEN 'pending'
        ELSE 'no_response' END
$$;

-- The outcome facts of these members' outreach, recomputed from the read models.
CREATE OR REPLACE FUNCTION outreach_refresh_facts(members uuid[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE outreach_log o SET
        first_reply_at = (
            SELECT i.occurred_at FROM member_interactions i
            WHERE i.member_id = o.member_id AND i.occurred_at > o.at
                AND i.kind <> 'reaction_received'
            ORDER BY i.occurred_at LIMIT 1),
        stage_at_contact = (
            SELECT h.stage FROM member_stage_history h
            WHERE h.member_id = o.member_id AND h.effective_at <= o.at
            ORDER BY h.effective_at DESC, h.version DESC LIMIT 1),
        -- RETURNED_STAGES (domain/outreach/outcomes.py)
        returned_at = (
            SELECT min(h.effective_at) FROM member_stage_history h
            WHERE h.member_id = o.member_id AND h.effective_at > o.at
                AND h.stage IN ('active', 'returning'))
    WHERE o.member_id = ANY(members)
$$;

-- The day rollups moved by these intervals: counted in (sign 1) or out (sign -1).
CREATE OR REPLACE FUNCTION outreach_roll_spans(spans outreach_risk_spans[], sign integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO outreach_risk_days AS d (day, entered, exited)
    SELECT day, sign * sum(entered), sign * sum(exited) FROM (
        SELECT outreach_day_of(started_at) AS day, 1 AS entered, 0 AS exited
        FROM unnest(spans)
        UNION ALL
        SELECT outreach_day_after(ended_at), 0, 1 FROM unnest(spans) WHERE ended_at IS NOT NULL
    ) c GROUP BY day
    ON CONFLICT (day) DO UPDATE SET entered = d.entered + EXCLUDED.entered,
        exited = d.exited + EXCLUDED.exited;
    INSERT INTO outreach_risk_returns AS r (entry_day, exit_day, delay_days, n)
    SELECT outreach_day_of(started_at), outreach_day_after(ended_at),
        ceil(date_part('epoch', ended_at - started_at) / 86400)::int, sign * count(*)
    FROM unnest(spans) WHERE back GROUP BY 1, 2, 3
    ON CONFLICT (entry_day, exit_day, delay_days) DO UPDATE SET n = r.n + EXCLUDED.n;
$$;

-- These members' at-risk intervals, recomputed, with the day rollups moved by the change.
CREATE OR REPLACE FUNCTION outreach_refresh_spans(members uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    gone outreach_risk_spans[];
    fresh outreach_risk_spans[];
BEGIN
    WITH deleted AS (
        DELETE FROM outreach_risk_spans s WHERE s.member_id = ANY(members) RETURNING s.*
    )
    SELECT array_agg(deleted) INTO gone FROM deleted;
    WITH inserted AS (
        INSERT INTO outreach_risk_spans (member_id, started_at, ended_at, back, reached)
        SELECT h.member_id, h.effective_at, h.until, EXISTS (
                SELECT 1 FROM member_stage_history n
                WHERE n.member_id = h.member_id AND n.previous = 'at_risk'
                    AND n.effective_at = h.until AND n.stage IN ('active', 'returning')),
            EXISTS (SELECT 1 FROM outreach_log o WHERE o.member_id = h.member_id)
        FROM member_stage_history h
        WHERE h.member_id = ANY(members) AND h.stage = 'at_risk'
            AND (h.until IS NULL OR h.until > h.effective_at)
        RETURNING *
    )
    SELECT array_agg(inserted) INTO fresh FROM inserted;
    PERFORM outreach_roll_spans(coalesce(gone, '{}'), -1);
    PERFORM outreach_roll_spans(coalesce(fresh, '{}'), 1);
END $$;

-- A stage change (opened or closed interval): the spans of the members whose at-risk
-- intervals it opened, closed or ended, and the facts of the members with outreach.
CREATE OR REPLACE FUNCTION outreach_stages_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    risky uuid[];
    reached uuid[];
BEGIN
    -- Projections may commit side by side (two workers): each of these triggers waits for
    -- the others' transactions, so every statement here sees what they wrote.
    PERFORM pg_advisory_xact_lock(hashtext('outreach_facts'));
    SELECT array_agg(DISTINCT member_id) INTO risky FROM outreach_changed_stages
    WHERE stage = 'at_risk' OR previous = 'at_risk';
    IF risky IS NOT NULL THEN
        PERFORM outreach_refresh_spans(risky);
    END IF;
    SELECT array_agg(DISTINCT c.member_id) INTO reached FROM outreach_changed_stages c
    WHERE EXISTS (SELECT 1 FROM outreach_log o WHERE o.member_id = c.member_id);
    IF reached IS NOT NULL THEN
        PERFORM outreach_refresh_facts(reached);
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outreach_stages_insert ON member_stage_history;
CREATE TRIGGER outreach_stages_insert AFTER INSERT ON member_stage_history
    REFERENCING NEW TABLE AS outreach_changed_stages
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_stages_trigger();
DROP TRIGGER IF EXISTS outreach_stages_update ON member_stage_history;
CREATE TRIGGER outreach_stages_update AFTER UPDATE ON member_stage_history
    REFERENCING NEW TABLE AS outreach_changed_stages
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_stages_trigger();

-- New interactions move the first reply of the members' earlier outreach forward; only the
-- new rows are read (a rebuild of the interactions read model stays one join per page).
CREATE OR REPLACE FUNCTION outreach_interactions_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Projections may commit side by side (two workers): each of these triggers waits for
    -- the others' transactions, so every statement here sees what they wrote.
    PERFORM pg_advisory_xact_lock(hashtext('outreach_facts'));
    UPDATE outreach_log o SET first_reply_at = f.first
    FROM (
        SELECT l.outreach_id, min(n.occurred_at) AS first
        FROM outreach_new_interactions n
        -- One index probe per interaction (OFFSET 0 keeps it so): most members have no
        -- outreach, and the log is not read whole for each page.
        CROSS JOIN LATERAL (
            SELECT l.outreach_id FROM outreach_log l
            WHERE l.member_id = n.member_id AND l.at < n.occurred_at OFFSET 0
        ) l
        WHERE n.kind <> 'reaction_received'
        GROUP BY l.outreach_id
    ) f
    WHERE o.outreach_id = f.outreach_id
        AND (o.first_reply_at IS NULL OR f.first < o.first_reply_at);
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outreach_interactions_insert ON member_interactions;
CREATE TRIGGER outreach_interactions_insert AFTER INSERT ON member_interactions
    REFERENCING NEW TABLE AS outreach_new_interactions
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_interactions_trigger();

-- New outreach: their facts from the read models as they are now.
CREATE OR REPLACE FUNCTION outreach_log_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Projections may commit side by side (two workers): each of these triggers waits for
    -- the others' transactions, so every statement here sees what they wrote.
    PERFORM pg_advisory_xact_lock(hashtext('outreach_facts'));
    PERFORM outreach_refresh_facts(ARRAY(SELECT DISTINCT member_id FROM outreach_new_log));
    UPDATE outreach_risk_spans SET reached = true
    WHERE member_id IN (SELECT member_id FROM outreach_new_log) AND NOT reached;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outreach_log_insert ON outreach_log;
CREATE TRIGGER outreach_log_insert AFTER INSERT ON outreach_log
    REFERENCING NEW TABLE AS outreach_new_log
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_log_trigger();

-- A rebuild empties a read model before replaying it: what was derived from it goes too,
-- and comes back with the replayed rows.
CREATE OR REPLACE FUNCTION outreach_stages_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE outreach_risk_spans, outreach_risk_days, outreach_risk_returns;
    UPDATE outreach_log SET stage_at_contact = NULL, returned_at = NULL
    WHERE stage_at_contact IS NOT NULL OR returned_at IS NOT NULL;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outreach_stages_truncate ON member_stage_history;
CREATE TRIGGER outreach_stages_truncate AFTER TRUNCATE ON member_stage_history
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_stages_truncated();
CREATE OR REPLACE FUNCTION outreach_interactions_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outreach_log SET first_reply_at = NULL WHERE first_reply_at IS NOT NULL;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outreach_interactions_truncate ON member_interactions;
CREATE TRIGGER outreach_interactions_truncate AFTER TRUNCATE ON member_interactions
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_interactions_truncated();

CREATE OR REPLACE FUNCTION outreach_log_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outreach_risk_spans SET reached = false WHERE reached;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS outreach_log_truncate ON outreach_log;
CREATE TRIGGER outreach_log_truncate AFTER TRUNCATE ON outreach_log
    FOR EACH STATEMENT EXECUTE FUNCTION outreach_log_truncated();

-- What is there already.
SELECT outreach_refresh_facts(ARRAY(SELECT DISTINCT member_id FROM outreach_log));
SELECT outreach_refresh_spans(ARRAY(
    SELECT DISTINCT member_id FROM member_stage_history WHERE stage = 'at_risk'));

-- What the comparison read from the lifecycle read model before: no longer read.
DROP INDEX IF EXISTS member_stage_history_at_risk_span_idx;
DROP INDEX IF EXISTS member_stage_history_after_risk_idx;
DROP FUNCTION IF EXISTS outreach_weeks_in(integer[], integer, integer);
