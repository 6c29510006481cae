-- Read models of the `health` projection (projections/health): the rollups the community
-- health KPIs read in O(periods), never the log nor every interaction at request time.
-- Nothing personal: member ids, dates and counts only (an erased member's rows are deleted,
-- their contributions to the totals taken out).

-- Each member's flags and first and last interaction (all channels), whether counted or not.
CREATE TABLE IF NOT EXISTS health_members (
    member_id uuid PRIMARY KEY,
    joined_at timestamptz,
    left_at timestamptz,
    is_staff boolean NOT NULL DEFAULT false,
    is_bot boolean NOT NULL DEFAULT false,
    erased boolean NOT NULL DEFAULT false,
    first_at timestamptz,
    last_at timestamptz,
    -- Counted members are neither staff nor bots nor erased (domain/health vocabulary).
    counted boolean GENERATED ALWAYS AS (NOT is_staff AND NOT is_bot AND NOT erased) STORED
);

-- Each member's interactions per period: granularity 'week' and 'month' per channel and
-- for all channels (channel '', kind ''), 'day' per channel and kind. first_recorded_at is
-- when the first of them was recorded (when the member became known as active in it).
-- Kept for staff and bots too: a flag change adds or takes out exactly these rows.
CREATE TABLE IF NOT EXISTS health_member_periods (
    member_id uuid NOT NULL,
    granularity text NOT NULL,
    period date NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    interactions integer NOT NULL,
    first_recorded_at timestamptz NOT NULL,
    PRIMARY KEY (member_id, granularity, period, channel, kind)
);

-- Counted members' totals per week or month as deltas tagged by the UTC day they were
-- recorded: a total as known at asOf sums the deltas recorded on or before asOf. Metrics:
-- 'active' (members with an interaction in the period), 'new' (members whose first
-- interaction ever is in it; channel '' only), 'interactions'. Channel '' is all channels.
CREATE TABLE IF NOT EXISTS health_counts (
    granularity text NOT NULL,
    channel text NOT NULL,
    period date NOT NULL,
    metric text NOT NULL,
    recorded_day date NOT NULL,
    delta integer NOT NULL,
    PRIMARY KEY (granularity, channel, period, metric, recorded_day)
);

-- Counted members' interactions per UTC day, channel and kind, as deltas tagged by the day
-- they were recorded: spikes and "interactions by channel and kind".
CREATE TABLE IF NOT EXISTS health_daily (
    day date NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    recorded_day date NOT NULL,
    interactions integer NOT NULL,
    PRIMARY KEY (day, channel, kind, recorded_day)
);
