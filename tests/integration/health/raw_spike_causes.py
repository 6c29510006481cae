"""The spike causes read straight from the interactions (the queries the rollups replaced):
the reference the rollups' answers are checked against. Counted members as flagged now."""

from __future__ import annotations

_SPIKES = "SELECT d AS day, d::timestamp AT TIME ZONE 'UTC' AS at FROM unnest(%(days)s::date[]) d"
_COUNTED = "{0} NOT IN (SELECT member_id FROM health_members WHERE NOT counted)"
THREADS_AND_EVENTS = f"""
WITH spike AS ({_SPIKES}),
seen AS MATERIALIZED (
    SELECT s.day, i.thread_ref, i.kind, i.channel, count(*) AS n
    FROM spike s CROSS JOIN LATERAL (
        SELECT thread_ref, kind, channel FROM member_interactions
        WHERE occurred_at >= s.at AND occurred_at < s.at + interval '1 day'
            AND recorded_at < %(known)s AND (%(channel)s = '' OR channel = %(channel)s)
            AND {_COUNTED.format("member_id")}
        OFFSET 0) AS i
    GROUP BY s.day, i.thread_ref, i.kind, i.channel),
busiest AS (
    SELECT day, thread_ref, sum(n) AS n,
        row_number() OVER (PARTITION BY day ORDER BY sum(n) DESC, thread_ref) AS r
    FROM seen WHERE thread_ref IS NOT NULL GROUP BY day, thread_ref)
SELECT 'thread', b.day, b.thread_ref, b.n::float8, w.n::float8 / %(window)s
FROM busiest b CROSS JOIN LATERAL (
    SELECT count(*) AS n FROM member_interactions i
    WHERE i.thread_ref = b.thread_ref
        AND i.occurred_at >= (b.day - %(window)s)::timestamp AT TIME ZONE 'UTC'
        AND i.occurred_at < b.day::timestamp AT TIME ZONE 'UTC'
        AND i.recorded_at < %(known)s AND (%(channel)s = '' OR i.channel = %(channel)s)
        AND {_COUNTED.format("i.member_id")}) AS w
WHERE b.r <= %(candidates)s
UNION ALL
SELECT DISTINCT 'event', day, coalesce(thread_ref, kind || ' on ' || channel), 0, 0
FROM seen WHERE kind IN ('event_hosted', 'event_attended', 'talk_given')
"""
NEWCOMERS = f"""
WITH spike AS ({_SPIKES}),
covered AS (
    SELECT DISTINCT w::date AS day FROM spike s,
        generate_series(s.day - %(window)s, s.day, interval '1 day') AS w),
per_day AS (
    SELECT c.day, m.source_channel AS source, count(*) AS n
    FROM covered c
    JOIN health_members h ON h.counted AND h.first_at >= c.day::timestamp AT TIME ZONE 'UTC'
        AND h.first_at < (c.day + 1)::timestamp AT TIME ZONE 'UTC'
    LEFT JOIN members m ON m.member_id = h.member_id
    GROUP BY c.day, source)
SELECT s.day, p.source,
    coalesce(sum(p.n) FILTER (WHERE p.day = s.day), 0)::float8,
    coalesce(sum(p.n) FILTER (WHERE p.day < s.day), 0)::float8 / %(window)s
FROM spike s JOIN per_day p ON p.day >= s.day - %(window)s AND p.day <= s.day
GROUP BY s.day, p.source
"""
