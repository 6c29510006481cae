"""The `lifecycle` projection: each member's current stage and the history of stages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

from psycopg import Cursor
from psycopg.types.json import Jsonb

from domain.lifecycle.history import UNIX_EPOCH
from domain.lifecycle.stages import Stage
from domain.members.member import Member
from projections.projection import Projection

CLOSE_INTERVAL = """
UPDATE member_stage_history SET until = %(at)s WHERE member_id = %(id)s AND until IS NULL
"""
OPEN_INTERVAL = """
INSERT INTO member_stage_history (member_id, version, stage, previous, effective_at,
    rule_version, reason, evidence, score_at_change, recorded_at)
VALUES (%(id)s, %(version)s, %(stage)s,
    coalesce(%(previous)s, (SELECT stage FROM member_stages WHERE member_id = %(id)s)),
    %(at)s, %(rule)s, %(reason)s, %(evidence)s, %(score)s, %(recorded)s)
"""
# A merged-away member's stage is the person's (the target's): its open interval closes at
# the merge and its current stage goes; an unmerge reopens that interval and restores it.
REOPEN_INTERVAL = """
UPDATE member_stage_history SET until = NULL
WHERE member_id = %(id)s AND version = (
    SELECT max(version) FROM member_stage_history WHERE member_id = %(id)s)
"""
RESTORE_CURRENT = """
INSERT INTO member_stages (member_id, stage, since, rule_version, reason, evidence,
    score_at_change)
SELECT member_id, stage, effective_at, rule_version, reason, evidence, score_at_change
FROM member_stage_history WHERE member_id = %(id)s ORDER BY version DESC LIMIT 1
"""
SET_CURRENT = """
INSERT INTO member_stages (member_id, stage, since, rule_version, reason, evidence,
    score_at_change)
VALUES (%(id)s, %(stage)s, %(at)s, %(rule)s, %(reason)s, %(evidence)s, %(score)s)
ON CONFLICT (member_id) DO UPDATE SET stage = EXCLUDED.stage, since = EXCLUDED.since,
    rule_version = EXCLUDED.rule_version, reason = EXCLUDED.reason,
    evidence = EXCLUDED.evidence, score_at_change = EXCLUDED.score_at_change
"""


class LifecycleProjection(Projection):
    """Stages now and then: who is at risk, since when, and why."""

    name: ClassVar[str] = "lifecycle"
    # GraphQL subscriptions follow it (api/live.py).
    announced: ClassVar[bool] = True
    tables: ClassVar[tuple[str, ...]] = ("member_stages", "member_stage_history")
    topics: ClassVar[frozenset[str]] = frozenset(
        kind.TOPIC
        for kind in (
            Member.StageChanged,
            Member.Left,
            Member.Rejoined,
            Member.Erased,
            Member.MergedInto,
            Member.SplitOff,
        )
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Close the member's open interval and open the new one, in log order."""
        # Stage changes are few: statement by statement, but sent without waiting.
        with cursor.connection.pipeline():
            self._apply_each(cursor, events)

    def _apply_each(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        for event in events:
            if type(event) is Member.SplitOff:
                cursor.execute(REOPEN_INTERVAL, {"id": event.originator_id})
                cursor.execute(RESTORE_CURRENT, {"id": event.originator_id})
                continue
            if type(event) in (Member.Erased, Member.MergedInto):
                cursor.execute(CLOSE_INTERVAL, {"id": event.originator_id, "at": event.timestamp})
                cursor.execute(
                    "DELETE FROM member_stages WHERE member_id = %s", (event.originator_id,)
                )
                continue
            change = _change(event)
            cursor.execute(CLOSE_INTERVAL, change)
            cursor.execute(OPEN_INTERVAL, change)
            cursor.execute(SET_CURRENT, change)


def _change(event: Any) -> dict[str, Any]:
    """The stage change an event stands for (leaving and rejoining are stage changes too)."""
    common = {"id": event.originator_id, "version": event.originator_version}
    common["recorded"] = event.timestamp
    if type(event) is Member.StageChanged:
        evidence = event.evidence or {}
        return {
            **common,
            "stage": event.stage,
            "previous": event.previous,
            "at": event.effective_at,
            "rule": event.rule_version,
            "reason": event.reason,
            "evidence": Jsonb(_plain(evidence)),
            "score": _rank_key(evidence, event.effective_at),
        }
    left = type(event) is Member.Left
    return {
        **common,
        "stage": Stage.LEFT.value if left else Stage.RETURNING.value,
        "previous": None,
        "at": event.left_at if left else event.rejoined_at,
        "rule": None,
        "reason": "left the community" if left else "rejoined the community",
        "evidence": Jsonb({}),
        "score": 0.0,
    }


def _plain(evidence: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in evidence.items()}


def _rank_key(evidence: dict[str, Any], effective_at: datetime) -> float:
    """What the at-risk list is ordered by, the same at every instant.

    A stake grows a day a day (domain/lifecycle/stages.py), so the stake minus the days
    since the Unix epoch at which it was measured orders members as their stakes do at any
    instant. Rules before the rhythm rule recorded no stake: their score orders them.
    """
    if "stake" not in evidence:
        return float(evidence.get("score", 0.0))
    return float(evidence["stake"]) - (effective_at - UNIX_EPOCH) / timedelta(days=1)
