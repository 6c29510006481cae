-- The causes of activity spikes (projections/health/spike_queries.py), read for all spikes
-- of a span at once: staff, bots and erased members are few, so their rows are found by a
-- small partial index and left out by an anti-join; newcomers and supports by their date.
CREATE INDEX IF NOT EXISTS health_members_uncounted_idx ON health_members (member_id)
    WHERE NOT counted;
-- Newcomers of a day from the index alone (member_id included: no heap visit per member).
DROP INDEX IF EXISTS health_members_first_idx;
CREATE INDEX IF NOT EXISTS health_members_first_member_idx ON health_members (first_at)
    INCLUDE (member_id) WHERE counted;
CREATE INDEX IF NOT EXISTS feedback_supports_supported_idx ON feedback_supports (supported_at);
-- A spike day's busiest threads, each beside its own rows of the trailing window, counted
-- from the index alone.
CREATE INDEX IF NOT EXISTS member_interactions_thread_time_idx
    ON member_interactions (thread_ref, occurred_at) INCLUDE (member_id, recorded_at, channel)
    WHERE thread_ref IS NOT NULL;
-- Each window newcomer's source channel from the index alone (members rows are wide: the
-- heap visit per newcomer was half of the newcomers cause).
CREATE INDEX IF NOT EXISTS members_source_idx ON members (member_id) INCLUDE (source_channel);
