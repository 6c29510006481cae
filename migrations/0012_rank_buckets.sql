-- A member's place in the overall ranking without counting every ranked member: ranked
-- members per bucket of rank keys, kept per statement from member_engagement's changes.
-- Rank keys do not move with time (see domain/engagement.py), so a bucket stays right
-- until the member's key changes. A bucket spans 1/16 of a rank-key unit, scores within
-- 4.4% of each other: the rank is the members of the buckets above, plus the few above
-- the member in its own bucket, counted on member_engagement_rank_idx.
CREATE TABLE IF NOT EXISTS member_rank_buckets (
    bucket integer PRIMARY KEY,
    members bigint NOT NULL
);

-- Multiplying by a power of two is exact: keys in bucket b are b/16 <= key < (b + 1)/16.
CREATE OR REPLACE FUNCTION crm_rank_bucket(rank_key double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT floor(rank_key * 16)::integer $$;

CREATE OR REPLACE FUNCTION member_rank_buckets_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO member_rank_buckets AS b (bucket, members)
        SELECT crm_rank_bucket(n.rank_key), count(*) FROM ranked_new AS n
        WHERE n.ranked AND n.rank_key > '-Infinity' GROUP BY 1
        ON CONFLICT (bucket) DO UPDATE SET members = b.members + EXCLUDED.members;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO member_rank_buckets AS b (bucket, members)
        SELECT crm_rank_bucket(o.rank_key), -count(*) FROM ranked_old AS o
        WHERE o.ranked AND o.rank_key > '-Infinity' GROUP BY 1
        ON CONFLICT (bucket) DO UPDATE SET members = b.members + EXCLUDED.members;
    ELSE
        INSERT INTO member_rank_buckets AS b (bucket, members)
        SELECT d.bucket, sum(d.delta) FROM (
            SELECT crm_rank_bucket(n.rank_key) AS bucket, 1 AS delta FROM ranked_new AS n
            WHERE n.ranked AND n.rank_key > '-Infinity'
            UNION ALL
            SELECT crm_rank_bucket(o.rank_key), -1 FROM ranked_old AS o
            WHERE o.ranked AND o.rank_key > '-Infinity'
        ) AS d
        GROUP BY d.bucket
        HAVING sum(d.delta) <> 0
        ON CONFLICT (bucket) DO UPDATE SET members = b.members + EXCLUDED.members;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS member_rank_buckets_insert ON member_engagement;
CREATE TRIGGER member_rank_buckets_insert AFTER INSERT ON member_engagement
    REFERENCING NEW TABLE AS ranked_new
    FOR EACH STATEMENT EXECUTE FUNCTION member_rank_buckets_trigger();

DROP TRIGGER IF EXISTS member_rank_buckets_update ON member_engagement;
CREATE TRIGGER member_rank_buckets_update AFTER UPDATE ON member_engagement
    REFERENCING OLD TABLE AS ranked_old NEW TABLE AS ranked_new
    FOR EACH STATEMENT EXECUTE FUNCTION member_rank_buckets_trigger();

DROP TRIGGER IF EXISTS member_rank_buckets_delete ON member_engagement;
CREATE TRIGGER member_rank_buckets_delete AFTER DELETE ON member_engagement
    REFERENCING OLD TABLE AS ranked_old
    FOR EACH STATEMENT EXECUTE FUNCTION member_rank_buckets_trigger();

-- Members already ranked before this migration.
INSERT INTO member_rank_buckets (bucket, members)
SELECT crm_rank_bucket(rank_key), count(*) FROM member_engagement
WHERE ranked AND rank_key > '-Infinity' GROUP BY 1
ON CONFLICT (bucket) DO NOTHING;
