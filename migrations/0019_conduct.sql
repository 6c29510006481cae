-- The `conduct` projection (projections/conduct): code-of-conduct incidents and the standing
-- they give the members concerned. The description and evidence url are sealed under the
-- concerned member's key (projections/personal.py), so erasing them leaves nothing readable.
CREATE TABLE IF NOT EXISTS conduct_incidents (
    incident_id uuid PRIMARY KEY,
    member_id uuid NOT NULL,      -- the member concerned
    reporter_id uuid,             -- a member, or NULL when staff reported it anonymously
    channel text NOT NULL,
    sealed_description bytea,
    sealed_evidence_url bytea,
    -- The decision in force: reported, under_review, upheld, dismissed, or overturned (an
    -- upheld decision overturned on appeal). An appealed decision keeps its status until
    -- the appeal is decided (it stays in force meanwhile): the appeal is pending when
    -- appealed_at is set and appeal_outcome is NULL. An overturned dismissal reopens the
    -- incident (under_review) for a new decision. See domain/conduct/moves.py.
    status text NOT NULL,
    severity text,                -- warning, suspension, ban (when upheld)
    suspended_until timestamptz,
    reported_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by uuid,
    appealed_at timestamptz,
    appeal_decided_at timestamptz,
    -- upheld (the decision stands) or overturned, once the appeal is decided
    appeal_outcome text,
    reviewed_at timestamptz,
    reviewed_by uuid,
    appeal_decided_by uuid,
    -- Why it was upheld or dismissed, why it was appealed, why the appeal went as it did:
    -- free text about the member, sealed under their key like the description.
    sealed_decision_reason bytea,
    sealed_appeal_reason bytea,
    sealed_appeal_decision_reason bytea,
    member_erased boolean NOT NULL DEFAULT false,
    version integer NOT NULL,
    position bigint NOT NULL,
    changed_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS conduct_incidents_member_idx
    ON conduct_incidents (member_id, reported_at DESC);
CREATE INDEX IF NOT EXISTS conduct_incidents_newest_idx
    ON conduct_incidents (reported_at DESC, incident_id DESC);
-- The incident list filtered by status, newest first.
CREATE INDEX IF NOT EXISTS conduct_incidents_status_idx
    ON conduct_incidents (status, reported_at DESC, incident_id DESC);
-- The candidacy gate: upheld incidents (in force) by member and decision date.
CREATE INDEX IF NOT EXISTS conduct_incidents_upheld_idx
    ON conduct_incidents (member_id, decided_at) WHERE status = 'upheld';

-- A member's standing from their upheld incidents in force: suspended (until a date) or
-- banned. No row: in good standing. A suspension whose end has passed no longer counts:
-- readers compare `until` with the time they read at.
CREATE TABLE IF NOT EXISTS member_standing (
    member_id uuid PRIMARY KEY,
    standing text NOT NULL,       -- suspended, banned
    until timestamptz,            -- NULL for a ban
    incident_id uuid NOT NULL,
    position bigint NOT NULL
);

CREATE TABLE IF NOT EXISTS conduct_history (
    incident_id uuid NOT NULL,
    position bigint NOT NULL,
    change text NOT NULL,
    at timestamptz NOT NULL,
    actor_id uuid,
    detail jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (incident_id, position)
);
