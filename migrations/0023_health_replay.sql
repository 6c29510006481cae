-- The health KPIs in O(periods): rollups the `health` projection keeps beside
-- health_counts, and the staging tables its set-based rebuild fills (projections/health/
-- replay.py). Nothing personal: member ids, dates and counts only.

-- A rebuild's staging: each page's interactions and member changes are copied here, then
-- replay_staged fills every health table in a few statements and empties these.
-- seq keeps the log order of rows recorded at the same instant (a default: COPY or
-- INSERT in log order fills it).
CREATE SEQUENCE IF NOT EXISTS health_replay_seq;
CREATE UNLOGGED TABLE IF NOT EXISTS health_replay_interactions (
    member_id uuid NOT NULL, channel text NOT NULL, kind text NOT NULL,
    occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
    seq bigint NOT NULL DEFAULT nextval('health_replay_seq'));
-- Each member's state at the end of the log.
CREATE UNLOGGED TABLE IF NOT EXISTS health_replay_members (
    member_id uuid PRIMARY KEY, joined_at timestamptz, left_at timestamptz,
    is_staff boolean NOT NULL DEFAULT false, is_bot boolean NOT NULL DEFAULT false,
    erased boolean NOT NULL DEFAULT false);
-- Each staff, bot or erasure event: whether the member counts after it (and was erased by
-- it). A member with none here counted (or not) as health_replay_members says, from the
-- start: a seeded community needs only the two tables above.
CREATE UNLOGGED TABLE IF NOT EXISTS health_replay_flags (
    member_id uuid NOT NULL, recorded_at timestamptz NOT NULL, counted boolean NOT NULL,
    erased boolean NOT NULL DEFAULT false,
    seq bigint NOT NULL DEFAULT nextval('health_replay_seq'));

-- Each member's last interaction per channel ('' for all channels): newly inactive members
-- of the period straddling the N-weeks cutoff are an index range of it.
CREATE TABLE IF NOT EXISTS health_member_lasts (
    member_id uuid NOT NULL,
    channel text NOT NULL,
    last_at timestamptz NOT NULL,
    PRIMARY KEY (member_id, channel)
);
CREATE INDEX IF NOT EXISTS health_member_lasts_at_idx ON health_member_lasts (channel, last_at);

-- The longest silence before an active day of the member in the period, in whole weeks
-- (capped at 520, the longest rule); NULL when no active day of it has one before it.
ALTER TABLE health_member_periods ADD COLUMN IF NOT EXISTS silence smallint;

-- Counted members per period by a bucket, as deltas tagged by the UTC day recorded:
--   'last'    members whose last interaction is in the period (bucket 0; also per day),
--   'silence' active members by their longest silence before an active day (weeks),
--   'count'   active members by their interactions in the period,
--   'stage'   active members by their lifecycle stage now (bucket: the stage's rank).
-- Channel '' is all channels. A total as known at asOf sums the deltas recorded by then.
CREATE TABLE IF NOT EXISTS health_rollups (
    granularity text NOT NULL,
    channel text NOT NULL,
    period date NOT NULL,
    metric text NOT NULL,
    bucket integer NOT NULL,
    recorded_day date NOT NULL,
    delta integer NOT NULL,
    PRIMARY KEY (granularity, channel, period, metric, bucket, recorded_day)
);
-- The same, summed over every recorded day: what today's answers read.
CREATE TABLE IF NOT EXISTS health_rollup_totals (
    granularity text NOT NULL,
    channel text NOT NULL,
    period date NOT NULL,
    metric text NOT NULL,
    bucket integer NOT NULL,
    members bigint NOT NULL,
    PRIMARY KEY (granularity, channel, period, metric, bucket)
);

-- Counted members by the UTC day they joined and the day they left (membership dates, not
-- recorded days, as `total` and `left` always read them).
CREATE TABLE IF NOT EXISTS health_membership_days (
    day date PRIMARY KEY,
    joined bigint NOT NULL DEFAULT 0,
    left_ bigint NOT NULL DEFAULT 0
);

-- Counted members active in a period by the period of their first interaction ever
-- (cohorts as known now).
CREATE TABLE IF NOT EXISTS health_cohorts (
    granularity text NOT NULL,
    cohort date NOT NULL,
    period date NOT NULL,
    members bigint NOT NULL,
    PRIMARY KEY (granularity, cohort, period)
);

-- Each member's lifecycle stage now, as the health projection follows it from the log
-- ('' never evaluated): active members by stage are a rollup, not a join at read time.
ALTER TABLE health_members ADD COLUMN IF NOT EXISTS stage text NOT NULL DEFAULT '';
-- A rebuild's staged stage changes (a member with none here has stage '').
CREATE UNLOGGED TABLE IF NOT EXISTS health_replay_stages (
    member_id uuid NOT NULL, recorded_at timestamptz NOT NULL, stage text NOT NULL,
    seq bigint NOT NULL DEFAULT nextval('health_replay_seq'));
