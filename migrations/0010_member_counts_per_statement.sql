-- member_counts kept per statement instead of per row: a projection page that writes
-- thousands of members adds each (dimension, value) once, from the statement's
-- transition tables. Transition tables allow neither column lists nor several events per
-- trigger, so there are three triggers, and updates that change no counted column cancel
-- out (keys whose net change is zero are skipped).
DROP TRIGGER IF EXISTS members_counts ON members;

CREATE OR REPLACE FUNCTION member_counts_statement_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO member_counts AS c (dimension, value, count)
        SELECT k.dimension, k.value, count(*) FROM counted_new AS n, member_count_keys(n) AS k
        GROUP BY k.dimension, k.value
        ON CONFLICT (dimension, value) DO UPDATE SET count = c.count + EXCLUDED.count;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO member_counts AS c (dimension, value, count)
        SELECT k.dimension, k.value, -count(*) FROM counted_old AS o, member_count_keys(o) AS k
        GROUP BY k.dimension, k.value
        ON CONFLICT (dimension, value) DO UPDATE SET count = c.count + EXCLUDED.count;
    ELSE
        INSERT INTO member_counts AS c (dimension, value, count)
        SELECT d.dimension, d.value, sum(d.delta) FROM (
            SELECT k.dimension, k.value, 1 AS delta FROM counted_new AS n, member_count_keys(n) AS k
            UNION ALL
            SELECT k.dimension, k.value, -1 FROM counted_old AS o, member_count_keys(o) AS k
        ) AS d
        GROUP BY d.dimension, d.value
        HAVING sum(d.delta) <> 0
        ON CONFLICT (dimension, value) DO UPDATE SET count = c.count + EXCLUDED.count;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS members_counts_insert ON members;
CREATE TRIGGER members_counts_insert AFTER INSERT ON members
    REFERENCING NEW TABLE AS counted_new
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_statement_trigger();

DROP TRIGGER IF EXISTS members_counts_update ON members;
CREATE TRIGGER members_counts_update AFTER UPDATE ON members
    REFERENCING OLD TABLE AS counted_old NEW TABLE AS counted_new
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_statement_trigger();

DROP TRIGGER IF EXISTS members_counts_delete ON members;
CREATE TRIGGER members_counts_delete AFTER DELETE ON members
    REFERENCING OLD TABLE AS counted_old
    FOR EACH STATEMENT EXECUTE FUNCTION member_counts_statement_trigger();
