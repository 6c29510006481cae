-- The `event_attendance` projection (projections/events/): scheduled community events and
-- who registered and came. Nothing here is personal data: attendees are member ids, and a
-- member's erasure leaves the counts.
CREATE TABLE IF NOT EXISTS event_schedule (
    event_id uuid PRIMARY KEY,
    title text NOT NULL,
    kind text NOT NULL,            -- meetup, webinar, ... (domain/events/community_event.py)
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    channel text,                  -- where it is held online, if it is
    place text,
    host_ids uuid[] NOT NULL,      -- scheduled hosts, and those who checked in as hosts
    status text NOT NULL,          -- scheduled, cancelled
    cancel_reason text,
    cancelled_at timestamptz,
    scheduled_at timestamptz NOT NULL,
    version integer NOT NULL,
    position bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
-- communityEvents(from, to): a range of starts.
CREATE INDEX IF NOT EXISTS event_schedule_starts_idx ON event_schedule (starts_at, event_id);

CREATE TABLE IF NOT EXISTS event_attendees (
    event_id uuid NOT NULL,
    member_id uuid NOT NULL,
    registered_at timestamptz NOT NULL,
    checked_in_at timestamptz,     -- NULL while registered only
    PRIMARY KEY (event_id, member_id)
);
-- member.events, and each attendee's earlier check-ins (first-timers).
CREATE INDEX IF NOT EXISTS event_attendees_member_idx
    ON event_attendees (member_id, event_id);
