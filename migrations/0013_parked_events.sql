-- Events a projection could not apply, parked so that one poison event never stops a
-- projection: the engine moves its position past them and goes on (projections/engine.py).
-- `crm project --retry-parked` applies them later (status 'applied'), `--skip-parked`
-- gives up on them (status 'skipped'); both keep the row for audit. Only rows still
-- 'parked' make a projection degraded (crm status, /healthz, /metrics).
CREATE TABLE IF NOT EXISTS parked_events (
    projection text NOT NULL,
    notification_id bigint NOT NULL,
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text NOT NULL,
    error text NOT NULL,
    attempts integer NOT NULL,
    parked_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked', 'applied', 'skipped')),
    resolved_at timestamptz,
    PRIMARY KEY (projection, notification_id)
);
CREATE INDEX IF NOT EXISTS parked_events_open_idx
    ON parked_events (projection, notification_id) WHERE status = 'parked';

-- log2(2^a + 2^b) for any two keys, however far apart. Below a difference of 64 the
-- smaller term cannot change the larger in double precision (1 + 2^-64 = 1), so the larger
-- is the exact result; computing 2^-1500 instead raised "value out of range: underflow"
-- (an interaction of 1900 next to one of today). Results for closer keys are unchanged.
CREATE OR REPLACE FUNCTION crm_add_rank(a double precision, b double precision)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN a = '-Infinity' THEN b
        WHEN b = '-Infinity' THEN a
        WHEN least(a, b) - greatest(a, b) < -64 THEN greatest(a, b)
        ELSE greatest(a, b) + ln(1 + power(2.0::float8, least(a, b) - greatest(a, b))) / ln(2.0::float8)
    END
$$;

-- The bucket of a rank key, held within the integer range: keys of interactions in the far
-- past or future under a short half-life would overflow it (one below the largest integer,
-- so that readers may still add 1). Normal keys are unchanged.
CREATE OR REPLACE FUNCTION crm_rank_bucket(rank_key double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(greatest(least(rank_key * 16, 2147483646), -2147483648))::integer
$$;
