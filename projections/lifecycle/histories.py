"""Each counted member's weighted interactions up to an instant, read for the stage rule."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg_pool import ConnectionPool

from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History

# Counted members (active, neither staff nor bots, joined by %(until)s), a page in member id
# order or the members asked for, with their weighted interactions in (since, until] as two
# arrays: microseconds since the Unix epoch (exact: extract gives a numeric) and weights,
# oldest first (each aggregate orders its own input: the order of a sorted subquery is
# not guaranteed to reach an aggregate). One aggregate per member (LATERAL) walks the
# member's index entries: a join of the whole page let the planner scan every interaction
# of the community for each page.
# With %(settled)s, a rule version, members that rule holds inactive and who have not
# interacted since are left out: nothing can change for them until they interact.
# A member's history is the person's: its own interactions and those of the members merged
# into it (a few, found by their partial index), which the log keeps under their own ids.
HISTORIES = """
WITH chosen AS (
    SELECT m.member_id, m.joined_at FROM members m
    WHERE m.status = 'active' AND NOT m.is_staff AND NOT m.is_bot
        AND m.joined_at <= %(until)s AND {which}
        AND NOT EXISTS (
            SELECT FROM member_stages s
            WHERE s.member_id = m.member_id AND s.stage = 'inactive'
                AND s.rule_version = %(settled)s AND s.since < %(until)s
                AND NOT EXISTS (
                    SELECT FROM member_interactions i
                    WHERE i.member_id = ANY({person_m})
                        AND i.occurred_at > s.since AND i.occurred_at <= %(until)s))
    ORDER BY m.member_id LIMIT %(limit)s
)
SELECT c.member_id, c.joined_at, h.moments, h.weights
FROM chosen c
LEFT JOIN LATERAL (
    SELECT array_agg((extract(epoch FROM i.occurred_at) * 1000000)::int8
                     ORDER BY i.occurred_at, i.interaction_id) AS moments,
        array_agg(k.weight ORDER BY i.occurred_at, i.interaction_id) AS weights
    FROM member_interactions i
    JOIN unnest(%(kinds)s::text[], %(weights)s::float8[]) AS k(kind, weight)
        ON k.kind = i.kind AND k.weight > 0
    WHERE i.member_id = ANY({person_c}) AND i.occurred_at <= %(until)s
        AND (%(since)s::timestamptz IS NULL OR i.occurred_at > %(since)s)
) h ON true
ORDER BY c.member_id
"""
_PERSON_OF = (
    "ARRAY(SELECT {0}.member_id UNION ALL"
    " SELECT s.member_id FROM members s WHERE s.merged_into = {0}.member_id)"
)
_PERSON = {"person_m": _PERSON_OF.format("m"), "person_c": _PERSON_OF.format("c")}
SORT_IN_MEMORY_UNCOMPILED = "SET LOCAL work_mem = '32MB'; SET LOCAL jit = off"
PAGE_OF_MEMBERS = HISTORIES.format(which="m.member_id > %(after)s", **_PERSON)
THESE_MEMBERS = HISTORIES.format(which="m.member_id = ANY(%(ids)s)", **_PERSON)


class MemberHistories:
    """Reads members' histories from the engagement read model's interactions."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def histories(
        self,
        engagement: EngagementRule,
        *,
        until: datetime,
        after: UUID,
        limit: int,
        since: datetime | None = None,
        settled: str | None = None,
    ) -> list[History]:
        """Up to `limit` counted members after id `after`, with interactions in (since, until].

        With `settled`, a rule version, members it holds inactive who have not interacted
        since are left out.
        """
        params = {"after": after, "limit": limit, "settled": settled}
        return self._read(PAGE_OF_MEMBERS, params, engagement, until, since)

    def histories_of(
        self, engagement: EngagementRule, member_ids: list[UUID], until: datetime
    ) -> list[History]:
        """These members' histories up to `until` (those not counted are left out)."""
        params = {"ids": member_ids, "limit": len(member_ids), "settled": None}
        return self._read(THESE_MEMBERS, params, engagement, until, None)

    def _read(
        self,
        query: str,
        params: dict[str, Any],
        engagement: EngagementRule,
        until: datetime,
        since: datetime | None,
    ) -> list[History]:
        kinds = list(engagement.weights)
        params |= {
            "until": until,
            "since": since,
            "kinds": [kind.value for kind in kinds],
            "weights": [engagement.weights[kind] for kind in kinds],
        }
        with self.pool.connection() as conn, conn.transaction(), conn.cursor(binary=True) as cur:
            # A long history's sort stays in memory, and one statement is not worth compiling
            # (both settings in one round trip: unprepared and without parameters).
            conn.execute(SORT_IN_MEMORY_UNCOMPILED, prepare=False)
            rows = cur.execute(query, params).fetchall()  # the query is a constant
        return [
            History(member_id, joined_at, tuple(moments or ()), tuple(weights or ()))
            for member_id, joined_at, moments, weights in rows
        ]
