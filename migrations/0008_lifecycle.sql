-- Read models of the `lifecycle` projection: each member's current stage, and the
-- history of stages as intervals [effective_at, until) so any past date can be answered.
CREATE TABLE IF NOT EXISTS member_stages (
    member_id uuid PRIMARY KEY,
    stage text NOT NULL,
    since timestamptz NOT NULL,
    rule_version text,
    reason text,
    evidence jsonb NOT NULL DEFAULT '{}',
    -- What the community would lose: the member's score when the stage began.
    score_at_change double precision NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS member_stages_at_risk_idx
    ON member_stages (score_at_change DESC, member_id DESC) WHERE stage = 'at_risk';

CREATE TABLE IF NOT EXISTS member_stage_history (
    member_id uuid NOT NULL,
    version bigint NOT NULL,
    stage text NOT NULL,
    previous text,
    effective_at timestamptz NOT NULL,
    until timestamptz,
    rule_version text,
    reason text,
    evidence jsonb NOT NULL DEFAULT '{}',
    score_at_change double precision NOT NULL DEFAULT 0,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (member_id, version)
);
CREATE INDEX IF NOT EXISTS member_stage_history_member_idx
    ON member_stage_history (member_id, effective_at);
CREATE INDEX IF NOT EXISTS member_stage_history_at_risk_idx
    ON member_stage_history (score_at_change DESC, member_id DESC) WHERE stage = 'at_risk';
