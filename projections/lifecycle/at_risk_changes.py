"""Who entered or left the at-risk list in a span of the log, from the stage history.

Each stage change (leaving and rejoining included) has its row in member_stage_history at
the event's version, with the stage before it: a change to or from at_risk is read there.
An erasure or a merge ends the member's stage (their last row tells whether they were at
risk); an unmerge gives back the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from psycopg_pool import ConnectionPool

from domain.lifecycle.stages import Stage
from domain.members.member import Member
from projections.positions import EVENTS_TABLE

ENDING = frozenset({Member.Erased.TOPIC, Member.MergedInto.TOPIC})
RESTORING = Member.SplitOff.TOPIC
OPENING = frozenset({Member.StageChanged.TOPIC, Member.Left.TOPIC, Member.Rejoined.TOPIC})

# The stage row each event made (opening) or left last (ending, restoring), in log order.
CHANGES = f"""
SELECT e.notification_id, e.originator_id, e.topic, h.stage, h.previous, h.effective_at
FROM {EVENTS_TABLE} e
CROSS JOIN LATERAL (
    SELECT stage, previous, effective_at FROM member_stage_history
    WHERE member_id = e.originator_id AND version <= e.originator_version
    ORDER BY version DESC LIMIT 1
) h
WHERE e.notification_id > %s AND e.notification_id <= %s AND e.topic = ANY(%s)
ORDER BY e.notification_id
"""


@dataclass(frozen=True)
class AtRiskChange:
    """A member who entered (at_risk) or left the at-risk list at a position of the log."""

    position: int
    member_id: UUID
    at_risk: bool
    # The stage now, and the one before; None: no stage (erased, or merged into another).
    stage: Stage | None
    previous: Stage | None


def at_risk_changes(pool: ConnectionPool, after: int, until: int) -> list[AtRiskChange]:
    """The at-risk list's entries and exits in the span (after, until], in log order."""
    topics = sorted({*OPENING, *ENDING, RESTORING})
    with pool.connection() as conn:
        rows = conn.execute(CHANGES, (after, until, topics)).fetchall()
    found = []
    for position, member_id, topic, stage, previous, _ in rows:
        change = _change(topic, Stage(stage), Stage(previous) if previous else None)
        if change is not None:
            found.append(AtRiskChange(int(position), member_id, *change))
    return found


def _change(
    topic: str, stage: Stage, previous: Stage | None
) -> tuple[bool, Stage | None, Stage | None] | None:
    """(at risk now, stage now, stage before) when the event moved the member in or out."""
    if topic in ENDING:
        return (False, None, stage) if stage is Stage.AT_RISK else None
    if topic == RESTORING:
        return (True, stage, None) if stage is Stage.AT_RISK else None
    if Stage.AT_RISK in (stage, previous) and stage != previous:
        return stage is Stage.AT_RISK, stage, previous
    return None
