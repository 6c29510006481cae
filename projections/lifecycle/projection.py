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
# A page's stage changes, set-based: each member's open interval closes at its first change
# in the page; every change opens an interval, closed by the member's next one in the page;
# the last one is the member's current stage. A change that names no previous stage follows
# the one before it (for the page's first, the stored current stage).
CLOSE_INTERVALS = """
UPDATE member_stage_history h SET until = c.at
FROM unnest(%s::uuid[], %s::timestamptz[]) AS c(id, at)
WHERE h.member_id = c.id AND h.until IS NULL
"""
OPEN_INTERVALS = """
INSERT INTO member_stage_history (member_id, version, stage, previous, effective_at, until,
    rule_version, reason, evidence, score_at_change, recorded_at)
SELECT c.id, c.version, c.stage,
    coalesce(c.previous, (SELECT s.stage FROM member_stages s WHERE s.member_id = c.id)),
    c.at, c.until, c.rule, c.reason, c.evidence, c.score, c.recorded
FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::text[], %s::timestamptz[],
    %s::timestamptz[], %s::text[], %s::text[], %s::jsonb[], %s::float8[], %s::timestamptz[])
    AS c(id, version, stage, previous, at, until, rule, reason, evidence, score, recorded)
"""
SET_CURRENTS = """
INSERT INTO member_stages (member_id, stage, since, rule_version, reason, evidence,
    score_at_change)
SELECT * FROM unnest(%s::uuid[], %s::text[], %s::timestamptz[], %s::text[], %s::text[],
    %s::jsonb[], %s::float8[])
ON CONFLICT (member_id) DO UPDATE SET stage = EXCLUDED.stage, since = EXCLUDED.since,
    rule_version = EXCLUDED.rule_version, reason = EXCLUDED.reason,
    evidence = EXCLUDED.evidence, score_at_change = EXCLUDED.score_at_change
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
        """Close the members' open intervals and open the new ones, as in log order.

        Stage changes come by millions when a large community is first evaluated: they are
        written set-based, a few statements a page. A merge, an unmerge or an erasure
        (rare) cuts the page: what comes before it is written first.
        """
        run: list[dict[str, Any]] = []
        for event in events:
            if type(event) in _ONE_BY_ONE:
                _write_changes(cursor, run)
                run = []
                _apply_alone(cursor, event)
            else:
                run.append(_change(event))
        _write_changes(cursor, run)


# Events that end or restore a member's stage (merges and erasure), applied one at a time.
_ONE_BY_ONE = (Member.SplitOff, Member.Erased, Member.MergedInto)


def _apply_alone(cursor: Cursor[Any], event: Any) -> None:
    """A merged-away or erased member's stage goes; an unmerge restores it."""
    if type(event) is Member.SplitOff:
        cursor.execute(REOPEN_INTERVAL, {"id": event.originator_id})
        cursor.execute(RESTORE_CURRENT, {"id": event.originator_id})
        return
    cursor.execute(CLOSE_INTERVAL, {"id": event.originator_id, "at": event.timestamp})
    cursor.execute("DELETE FROM member_stages WHERE member_id = %s", (event.originator_id,))


def _write_changes(cursor: Cursor[Any], changes: list[dict[str, Any]]) -> None:
    """Stage changes in log order, as three statements (see CLOSE_INTERVALS)."""
    if not changes:
        return
    by_member: dict[Any, list[dict[str, Any]]] = {}
    for change in changes:
        by_member.setdefault(change["id"], []).append(change)
    opened: list[tuple[Any, ...]] = []
    for member_changes in by_member.values():
        for before, change, after in zip(
            [None, *member_changes], member_changes, [*member_changes[1:], None], strict=False
        ):
            previous = change["previous"] or (before["stage"] if before else None)
            opened.append(
                (
                    *(change[k] for k in ("id", "version", "stage")),
                    previous,
                    change["at"],
                    after["at"] if after else None,
                    *(change[k] for k in ("rule", "reason", "evidence", "score", "recorded")),
                )
            )
    firsts = [found[0] for found in by_member.values()]
    cursor.execute(CLOSE_INTERVALS, ([c["id"] for c in firsts], [c["at"] for c in firsts]))
    cursor.execute(OPEN_INTERVALS, [list(column) for column in zip(*opened, strict=True)])
    lasts = [found[-1] for found in by_member.values()]
    current = ("id", "stage", "at", "rule", "reason", "evidence", "score")
    cursor.execute(SET_CURRENTS, [[c[k] for c in lasts] for k in current])


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
