-- Read models of the `engagement` projection: each member's interactions, decayed
-- engagement score (as a time-invariant rank key, see domain/engagement.py) overall and
-- per channel, and weekly activity buckets.

-- log2(2^a + 2^b), where '-Infinity' stands for "no activity yet".
CREATE OR REPLACE FUNCTION crm_add_rank(a double precision, b double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN a = '-Infinity' THEN b
        WHEN b = '-Infinity' THEN a
        ELSE greatest(a, b) + ln(1 + power(2.0::float8, least(a, b) - greatest(a, b))) / ln(2.0::float8)
    END
$$;

CREATE TABLE IF NOT EXISTS member_interactions (
    interaction_id uuid PRIMARY KEY,
    member_id uuid NOT NULL,
    channel text NOT NULL,
    kind text NOT NULL,
    occurred_at timestamptz NOT NULL,
    external_id text NOT NULL,
    thread_ref text,
    url text,
    summary text,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS member_interactions_member_idx
    ON member_interactions (member_id, occurred_at DESC, interaction_id DESC);
CREATE INDEX IF NOT EXISTS member_interactions_thread_idx
    ON member_interactions (thread_ref) WHERE thread_ref IS NOT NULL;

CREATE TABLE IF NOT EXISTS member_engagement (
    member_id uuid PRIMARY KEY,
    rank_key double precision NOT NULL DEFAULT '-Infinity',
    interactions bigint NOT NULL DEFAULT 0,
    first_interaction_at timestamptz,
    last_interaction_at timestamptz,
    is_staff boolean NOT NULL DEFAULT false,
    is_bot boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'active',
    -- Staff, bots and members who left or were erased are recorded but never ranked.
    ranked boolean GENERATED ALWAYS AS (NOT is_staff AND NOT is_bot AND status = 'active') STORED
);
-- "Top members now" is one scan of this index, whatever the time (see the rank key).
CREATE INDEX IF NOT EXISTS member_engagement_rank_idx
    ON member_engagement (rank_key DESC, member_id DESC) WHERE ranked;

CREATE TABLE IF NOT EXISTS member_channel_engagement (
    member_id uuid NOT NULL,
    channel text NOT NULL,
    rank_key double precision NOT NULL,
    interactions bigint NOT NULL,
    last_interaction_at timestamptz NOT NULL,
    PRIMARY KEY (member_id, channel)
);
CREATE INDEX IF NOT EXISTS member_channel_engagement_rank_idx
    ON member_channel_engagement (channel, rank_key DESC, member_id DESC);

-- Weeks start on Monday (UTC): any window of weeks sums a few rows per member.
CREATE TABLE IF NOT EXISTS member_activity_weeks (
    member_id uuid NOT NULL,
    week date NOT NULL,
    channel text NOT NULL,
    interactions integer NOT NULL,
    weight double precision NOT NULL,
    PRIMARY KEY (member_id, week, channel)
);
