-- The `discussions` projection (projections/outreach/discussions.py): the threads that draw
-- interest. Interactions carrying a thread_ref are rolled up per thread, day and member, so
-- topDiscussions reads the rows of the period's days, never the log. Whether a member is
-- staff or a bot is read at query time from discussion_members: a member marked staff
-- later is taken out of every count at once. Each row also says when it was recorded (the
-- UTC day, or the instant), so that the ranking can be read as known at the end of a past
-- day (asOf): interactions recorded later do not count.

-- One row per thread (channel, thread_ref; its id derives from both): its first message,
-- the earliest contribution known (any author; interactions may arrive out of order), and
-- that message's summary sealed under its author's key (projections/personal.py), so an
-- erasure leaves nothing readable.
CREATE TABLE IF NOT EXISTS discussion_threads (
    thread_id uuid PRIMARY KEY,
    channel text NOT NULL,
    thread_ref text NOT NULL,
    first_interaction_id uuid,    -- NULL while the thread has only reactions
    first_member_id uuid,
    first_at timestamptz,
    first_recorded_at timestamptz,
    sealed_summary bytea
);

-- Per thread, UTC day and member: contributions (every kind but reactions) and reactions
-- given. A reply is a contribution other than the thread's first message (the reader takes
-- that one off when it falls in the period).
CREATE TABLE IF NOT EXISTS discussion_days (
    day date NOT NULL,
    thread_id uuid NOT NULL,
    member_id uuid NOT NULL,
    recorded_on date NOT NULL,    -- live, nearly always the day itself; a backfill's own day
    channel text NOT NULL,
    contributions integer NOT NULL,
    reactions integer NOT NULL,
    PRIMARY KEY (day, thread_id, member_id, recorded_on)
);
CREATE INDEX IF NOT EXISTS discussion_days_channel_idx ON discussion_days (channel, day);

-- Each contribution's time and author, for the staff response time of the threads shown:
-- the first staff contribution after the first member's (members as flagged when read).
CREATE TABLE IF NOT EXISTS discussion_messages (
    thread_id uuid NOT NULL,
    occurred_at timestamptz NOT NULL,
    member_id uuid NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS discussion_messages_thread_idx
    ON discussion_messages (thread_id, occurred_at);

-- Members flagged staff or bot (no row: neither).
CREATE TABLE IF NOT EXISTS discussion_members (
    member_id uuid PRIMARY KEY,
    is_staff boolean NOT NULL DEFAULT false,
    is_bot boolean NOT NULL DEFAULT false
);
