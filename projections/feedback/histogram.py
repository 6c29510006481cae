"""The response-time histogram the feedback projection keeps beside its items.

`feedback_response_histogram` counts items per ISO week submitted, channel, priority and
wait bucket (crm_feedback_wait_bucket in migrations/0015: -1 unanswered, then log-spaced
buckets of ratio 1.01). An item moves between rows only when it is submitted, first
answered or triaged; a page writes the net moves with one statement. Erasure keeps counts.
`feedback_response_rollup` holds the same counts summed the ways the report reads them, and
takes the same moves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor

# Buckets b >= 1 hold waits in [RATIO^(b-1), RATIO^b) seconds; 0 waits under a second.
RATIO = 1.01
UNANSWERED = -1
# A coarse bucket of the rollup's 'over' rows spans this many buckets (b // COARSE).
COARSE = 64

# What places an item in the histogram: submitted, first answered, channel, priority.
Placement = tuple[datetime, datetime | None, str, str | None]

# Net moves of a page, summed per row; rows left empty are deleted so that the table
# holds exactly what a fill from the items gives (a rebuild compares equal).
MOVE_ITEMS = """
WITH moves AS (
    SELECT date_trunc('week', m.s AT TIME ZONE 'UTC')::date AS week, m.c AS channel,
        m.p AS priority, crm_feedback_wait_bucket(m.f - m.s) AS bucket, sum(m.d) AS items
    FROM unnest(%s::timestamptz[], %s::timestamptz[], %s::text[], %s::text[], %s::integer[])
        AS m(s, f, c, p, d)
    GROUP BY 1, 2, 3, 4
), moved AS (
    INSERT INTO feedback_response_histogram AS h (week, channel, priority, bucket, items)
    SELECT week, channel, priority, bucket, items FROM moves WHERE items <> 0
    ON CONFLICT (week, channel, priority, bucket) DO UPDATE SET items = h.items + EXCLUDED.items
    RETURNING h.week, h.channel, h.priority, h.bucket, h.items
)
SELECT week, channel, priority, bucket FROM moved WHERE items = 0
"""
DELETE_EMPTY = """
DELETE FROM feedback_response_histogram h
USING unnest(%s::date[], %s::text[], %s::text[], %s::integer[]) AS e(w, c, p, b)
WHERE h.week = e.w AND h.channel = e.c AND h.priority IS NOT DISTINCT FROM e.p
    AND h.bucket = e.b AND h.items = 0
"""
# The whole histogram computed from the items: for seeding and checks (the projection
# moves rows instead).
OF_ITEMS = """
SELECT date_trunc('week', submitted_at AT TIME ZONE 'UTC')::date AS week, channel, priority,
    crm_feedback_wait_bucket(first_response_at - submitted_at) AS bucket, count(*) AS items
FROM feedback_items GROUP BY 1, 2, 3, 4
"""
# The rollup of histogram rows named {rows} (week, channel, priority, bucket, items):
# one row per kind and cell, empty sums left out.
ROLLUP_OF = f"""
SELECT 'week' AS kind, week, NULL::text AS channel, NULL::text AS priority, bucket,
    sum(items)::integer AS items
FROM {{rows}} GROUP BY week, bucket HAVING sum(items) <> 0
UNION ALL
SELECT 'channel', week, channel, NULL, bucket, sum(items)::integer
FROM {{rows}} GROUP BY week, channel, bucket HAVING sum(items) <> 0
UNION ALL
SELECT 'priority', week, NULL, priority, bucket, sum(items)::integer
FROM {{rows}} GROUP BY week, priority, bucket HAVING sum(items) <> 0
UNION ALL
SELECT 'over', week, channel, priority, CASE WHEN bucket < 0 THEN bucket ELSE bucket / {COARSE} END,
    sum(items)::integer
FROM {{rows}} GROUP BY 2, 3, 4, 5 HAVING sum(items) <> 0
"""
MOVE_ROLLUP = f"""
WITH moves AS (
    SELECT date_trunc('week', m.s AT TIME ZONE 'UTC')::date AS week, m.c AS channel,
        m.p AS priority, crm_feedback_wait_bucket(m.f - m.s) AS bucket, m.d AS items
    FROM unnest(%s::timestamptz[], %s::timestamptz[], %s::text[], %s::text[], %s::integer[])
        AS m(s, f, c, p, d)
), moved AS (
    INSERT INTO feedback_response_rollup AS r (kind, week, channel, priority, bucket, items)
    SELECT * FROM ({ROLLUP_OF.format(rows="moves")}) AS rolled
    ON CONFLICT (kind, week, channel, priority, bucket)
        DO UPDATE SET items = r.items + EXCLUDED.items
    RETURNING r.kind, r.week, r.channel, r.priority, r.bucket, r.items
)
SELECT kind, week, channel, priority, bucket FROM moved WHERE items = 0
"""
DELETE_EMPTY_ROLLUP = """
DELETE FROM feedback_response_rollup r
USING unnest(%s::text[], %s::date[], %s::text[], %s::text[], %s::integer[]) AS e(k, w, c, p, b)
WHERE r.kind = e.k AND r.week = e.w AND r.channel IS NOT DISTINCT FROM e.c
    AND r.priority IS NOT DISTINCT FROM e.p AND r.bucket = e.b AND r.items = 0
"""
FILL_HISTOGRAM = f"""
INSERT INTO feedback_response_histogram (week, channel, priority, bucket, items)
{OF_ITEMS}
"""
FILL_ROLLUP = f"""
INSERT INTO feedback_response_rollup (kind, week, channel, priority, bucket, items)
{ROLLUP_OF.format(rows="feedback_response_histogram")}
"""
FILL = f"{FILL_HISTOGRAM};{FILL_ROLLUP}"


def placement(row: Mapping[str, Any]) -> Placement:
    """Where an item's row places it in the histogram."""
    return (row["submitted_at"], row["first_response_at"], row["channel"], row["priority"])


def placements(rows: Mapping[UUID, Mapping[str, Any]]) -> dict[UUID, Placement]:
    """The placement of each loaded item, taken before a page folds into them."""
    return {item: placement(row) for item, row in rows.items()}


def moves(
    before: Mapping[UUID, Placement], after: Iterable[tuple[UUID, Placement]]
) -> Counter[Placement]:
    """Net change of each placement: -1 where an item left it, +1 where it arrived."""
    net: Counter[Placement] = Counter()
    for item, now in after:
        was = before.get(item)
        if was != now:
            net[now] += 1
            if was is not None:
                net[was] -= 1
    return net


def move_items(cursor: Cursor[Any], net: Counter[Placement]) -> None:
    """Apply a page's net moves to the histogram and its rollup, dropping rows left empty."""
    changed = [(*p, n) for p, n in net.items() if n]
    if not changed:
        return
    columns = tuple(map(list, zip(*changed, strict=True)))
    for move, delete in ((MOVE_ITEMS, DELETE_EMPTY), (MOVE_ROLLUP, DELETE_EMPTY_ROLLUP)):
        cursor.execute(move, columns)
        empty = cursor.fetchall()
        if empty:
            cursor.execute(delete, tuple(map(list, zip(*empty, strict=True))))


def fill(cursor: Cursor[Any]) -> None:
    """Compute the histogram from the items, and its rollup from it, into empty tables."""
    cursor.execute(FILL)


def bucket_middle(bucket: int) -> float:
    """The seconds that stand for every wait in a bucket: within 0.5% of each (b >= 1)."""
    return 0.5 if bucket <= 0 else RATIO ** (bucket - 0.5)
