"""A rebuild's plain interactions staged in one statement, straight from the log.

The same rows ReplayStaging.stage writes for them: none of a member erased by then (as
staged before the span, or by an erasure earlier in it), and through a merged member's
identity, its person's too. A span never holds a merge (they cut it): who counts as whom
is as staged before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from psycopg import Cursor

from domain.interactions.interaction import Interaction
from domain.members.member import Member
from projections.plain_events import PLAIN_INTERACTIONS, LogSpan
from projections.projection import notification_ids

STAGE_PLAIN = f"""
INSERT INTO health_replay_interactions (member_id, channel, kind, occurred_at, recorded_at,
    seq, thread_ref)
SELECT v.member_id, p.c, p.k, p.o, p.r, p.n + %(offset)s, p.t
FROM ({PLAIN_INTERACTIONS}) AS p
LEFT JOIN health_replay_members s ON s.member_id = p.m
LEFT JOIN (SELECT member_id, min(n) AS n
    FROM unnest(%(erased)s::uuid[], %(erased_at)s::int8[]) AS e(member_id, n) GROUP BY 1
) AS e ON e.member_id = p.m
CROSS JOIN LATERAL (VALUES (p.m), (s.counted_as)) AS v(member_id)
WHERE v.member_id IS NOT NULL AND NOT coalesce(s.erased, false) AND (e.n IS NULL OR p.n < e.n)
"""


def stage_plain(cursor: Cursor[Any], span: LogSpan, offset: int, events: Sequence[Any]) -> None:
    """Stage the span's plain interactions; `events` are its others (erasures among them)."""
    erased: list[UUID] = []
    erased_at: list[int] = []
    for event, notification in zip(events, notification_ids(events), strict=True):
        if type(event) is Member.Erased:
            erased.append(event.originator_id)
            erased_at.append(notification)
    parameters = span.parameters([Interaction.Recorded.TOPIC])
    cursor.execute(
        STAGE_PLAIN, {**parameters, "offset": offset, "erased": erased, "erased_at": erased_at}
    )
