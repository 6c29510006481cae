-- The `ambassadors` projection (projections/ambassadors): each member's place in the ambassador
-- program, and every move of it. Nothing here is personal data: ids, statuses, tiers, dates
-- and the candidacy factors (counts) that a nomination kept. Free-text reasons are shown to
-- managers only and are deleted when the member is erased.
CREATE TABLE IF NOT EXISTS ambassadors (
    member_id uuid PRIMARY KEY,
    -- The member's Ambassadorship record (its events name it, not the member).
    record_id uuid NOT NULL,
    -- nominated, declined, active, paused, expired, retired (domain/ambassadors/program.py)
    status text NOT NULL,
    tier text,
    nominated_at timestamptz NOT NULL,
    nominated_by uuid,
    -- When the current unbroken run as an ambassador began (first approval since the last
    -- nomination); NULL until approved.
    since timestamptz,
    term_ends timestamptz,
    rule_version text,
    factors jsonb NOT NULL DEFAULT '{}',
    -- The last decline or retirement: why, and the conduct incident that ended it, if any.
    reason text,
    incident_id uuid,
    version integer NOT NULL,
    position bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ambassadors_status_idx ON ambassadors (status, since DESC, member_id);
CREATE UNIQUE INDEX IF NOT EXISTS ambassadors_record_idx ON ambassadors (record_id);
CREATE INDEX IF NOT EXISTS ambassadors_term_idx ON ambassadors (term_ends)
    WHERE status IN ('active', 'paused');

-- One row per program event of a member, in log order: member.ambassadorship's history.
CREATE TABLE IF NOT EXISTS ambassador_history (
    member_id uuid NOT NULL,
    position bigint NOT NULL,
    move text NOT NULL,          -- a ProgramMove value: nominate, approve, ...
    status text NOT NULL,        -- the status after the move
    tier text,
    at timestamptz NOT NULL,
    actor_id uuid,
    reason text,
    incident_id uuid,
    term_ends timestamptz,
    detail jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (member_id, position)
);
