-- Ambassador candidacy (application/ambassadors/candidacy.py): each evaluation of a rule
-- version at an instant keeps the members who were candidates then, with every factor, so
-- that the current list is one index range of the latest run, `asOf` reads the run in force
-- on that date, and hysteresis compares a run with the one before. These tables belong to
-- the evaluation job, not to a projection: rebuilding read models leaves them alone.
CREATE TABLE IF NOT EXISTS ambassador_candidacy_runs (
    rule_version text NOT NULL,
    evaluated_at timestamptz NOT NULL,
    examined integer NOT NULL,
    candidates integer NOT NULL,
    -- The rule's parameters, as evaluated (thresholds, weights, window, hysteresis).
    rule jsonb NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rule_version, evaluated_at)
);

CREATE TABLE IF NOT EXISTS ambassador_candidates (
    rule_version text NOT NULL,
    evaluated_at timestamptz NOT NULL,
    member_id uuid NOT NULL,
    score double precision NOT NULL,
    -- factor name -> {"value": v, "threshold": t, "contribution": c}
    factors jsonb NOT NULL,
    -- When this member's unbroken candidacy under this rule version began.
    candidate_since timestamptz NOT NULL,
    -- The channels the member was active on within the window (the list's channel filter).
    channels text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (rule_version, evaluated_at, member_id),
    FOREIGN KEY (rule_version, evaluated_at)
        REFERENCES ambassador_candidacy_runs (rule_version, evaluated_at) ON DELETE CASCADE
);
-- A run's candidates, best first (keyset pagination on score, member id).
CREATE INDEX IF NOT EXISTS ambassador_candidates_rank_idx
    ON ambassador_candidates (rule_version, evaluated_at, score DESC, member_id);
CREATE INDEX IF NOT EXISTS ambassador_candidates_member_idx ON ambassador_candidates (member_id);
