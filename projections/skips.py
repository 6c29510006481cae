"""Projections moved past events that hold none of their topics, without a page of their own.

The worker's listener reads the topics of every new span of the log. A projection that
had applied everything before the span, and none of whose topics the span holds, has
nothing to apply in it: its position moves to the span's end in one statement for all
such projections, instead of each of them reading the span in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Connection

from projections.engine import ProjectionRunner
from projections.live import POSITIONS_CHANNEL

# Only a projection that stands inside the span, follows the rule it is configured with
# (else its runner must refuse, see lock_position) and is not being rebuilt (a rebuild
# ends with a page of its own) moves. One whose page is running is skipped, never waited
# for: the listener must not stop waking the others. Announced projections are announced
# as their pages are (projections/live.py).
SKIP_PAST = f"""
WITH idle AS (
    SELECT p.name, s.announced
    FROM projection_positions AS p
    JOIN unnest(%(names)s::text[], %(rules)s::text[], %(announced)s::boolean[])
        AS s(name, rule_version, announced) ON p.name = s.name
    WHERE p.replay IS NULL AND p.position >= %(after)s AND p.position < %(until)s
        AND (s.rule_version IS NULL OR p.rule_version = s.rule_version)
    FOR UPDATE OF p SKIP LOCKED
), moved AS (
    UPDATE projection_positions AS p SET position = %(until)s, updated_at = now()
    FROM idle WHERE p.name = idle.name
    RETURNING p.name, p.position, idle.announced
), announced AS (
    SELECT pg_notify('{POSITIONS_CHANNEL}', name || ' ' || position) FROM moved WHERE announced
)
SELECT name FROM moved WHERE (SELECT count(*) FROM announced) >= 0
"""


def skip_past(
    conn: Connection[Any], runners: Sequence[ProjectionRunner], after: int, until: int
) -> set[str]:
    """Move these runners' projections from inside (after, until] to `until`; the span must
    hold none of their topics. Returns the names of those moved (the others were behind)."""
    if not runners or until <= after:
        return set()
    projections = [runner.projection for runner in runners]
    rows = conn.execute(
        SKIP_PAST,
        {
            "names": [p.name for p in projections],
            "rules": [p.rule_version for p in projections],
            "announced": [p.announced for p in projections],
            "after": after,
            "until": until,
        },
        prepare=True,
    ).fetchall()
    moved = {row[0] for row in rows}
    for runner in runners:
        if runner.name in moved:
            runner.position = max(runner.position, until)
            if runner.watcher is not None:
                runner.watcher.advanced(runner.name, until)
    return moved
