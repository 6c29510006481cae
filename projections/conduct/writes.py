"""The statements the conduct projection writes an incident's events with: one per event."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor
from psycopg.types.json import Jsonb

from domain.conduct.events import (
    AppealDecided,
    Appealed,
    ConductEvent,
    Dismissed,
    Reported,
    ReviewStarted,
    Upheld,
)
from projections.personal import Keys, seal_value

REPORT = """
INSERT INTO conduct_incidents (incident_id, member_id, reporter_id, channel,
    sealed_description, sealed_evidence_url, status, reported_at, version, position, changed_at)
VALUES (%(id)s, %(member_id)s, %(reporter_id)s, %(channel)s, %(description)s,
    %(evidence_url)s, 'reported', %(reported_at)s, %(version)s, %(position)s, %(changed_at)s)
ON CONFLICT (incident_id) DO NOTHING
"""
_TRACK = "version = %(version)s, position = %(position)s, changed_at = %(changed_at)s"
REVIEW = f"""
UPDATE conduct_incidents SET status = 'under_review', reviewed_at = %(at)s,
    reviewed_by = %(by)s, {_TRACK}
WHERE incident_id = %(id)s
"""
DECIDE = f"""
UPDATE conduct_incidents SET status = %(status)s, severity = %(severity)s,
    suspended_until = %(until)s, decided_at = %(at)s, decided_by = %(by)s,
    sealed_decision_reason = %(reason)s, {_TRACK}
WHERE incident_id = %(id)s
"""
APPEAL = f"""
UPDATE conduct_incidents SET appealed_at = %(at)s, sealed_appeal_reason = %(reason)s, {_TRACK}
WHERE incident_id = %(id)s
"""
# The decision in force keeps its status while appealed; an overturned uphold is void, an
# overturned dismissal reopens the incident for a new decision (domain/conduct/moves.py).
DECIDE_APPEAL = f"""
UPDATE conduct_incidents SET appeal_outcome = %(outcome)s, appeal_decided_at = %(at)s,
    appeal_decided_by = %(by)s, sealed_appeal_decision_reason = %(reason)s,
    status = CASE WHEN %(outcome)s <> 'overturned' THEN status
                  WHEN status = 'upheld' THEN 'overturned' ELSE 'under_review' END,
    {_TRACK}
WHERE incident_id = %(id)s
"""
HISTORY = """
INSERT INTO conduct_history (incident_id, position, change, at, actor_id, detail)
VALUES (%(id)s, %(position)s, %(change)s, %(changed_at)s, %(actor)s, %(detail)s)
ON CONFLICT DO NOTHING
"""
# Nothing readable of the member is left: their key is shredded, and the sealed copies go too.
ERASE = """
UPDATE conduct_incidents SET member_erased = true, sealed_description = NULL,
    sealed_evidence_url = NULL, sealed_decision_reason = NULL, sealed_appeal_reason = NULL,
    sealed_appeal_decision_reason = NULL
WHERE member_id = %s
"""


def sealed(keys: Keys, event: ConductEvent, column: str, value: Any) -> bytes | None:
    """A personal value sealed under the concerned member's key, bound to incident and column."""
    key = keys.get(event.member_id) if hasattr(event, "member_id") else None
    return seal_value(key, value, f"conduct_incidents.{column}", event.originator_id)


def write_event(cursor: Cursor[Any], event: ConductEvent, position: int, keys: Keys) -> None:
    """Apply one conduct event to its incident row, and record it in the history."""
    common: dict[str, Any] = {
        "id": event.originator_id,
        "version": event.originator_version,
        "position": position,
        "changed_at": event.timestamp,
    }
    statement, values, change, actor, detail = _statement(event, keys)
    cursor.execute(statement, common | values)
    cursor.execute(HISTORY, common | {"change": change, "actor": actor, "detail": Jsonb(detail)})


Written = tuple[str, dict[str, Any], str, Any, dict[str, Any]]


def _statement(event: ConductEvent, keys: Keys) -> Written:
    """(statement, its values, the change's name, who made it, what the history shows)."""
    if isinstance(event, Reported):
        values = {
            "member_id": event.member_id,
            "reporter_id": event.reporter_id,
            "channel": event.channel,
            "description": sealed(keys, event, "description", event.description),
            "evidence_url": sealed(keys, event, "evidence_url", event.evidence_url),
            "reported_at": event.reported_at,
        }
        return REPORT, values, "reported", event.reporter_id, {"channel": event.channel}
    if isinstance(event, ReviewStarted):
        values = {"at": event.at, "by": event.reviewer_id}
        return REVIEW, values, "review_started", event.reviewer_id, {}
    if isinstance(event, Upheld | Dismissed):
        return _decision(event, keys)
    if isinstance(event, Appealed):
        values = {"at": event.at, "reason": sealed(keys, event, "appeal_reason", event.reason)}
        return APPEAL, values, "appealed", event.recorded_by, {}
    assert isinstance(event, AppealDecided)
    reason = sealed(keys, event, "appeal_decision_reason", event.reason)
    values = {"outcome": event.outcome, "at": event.at, "by": event.decided_by, "reason": reason}
    detail = {"outcome": event.outcome}
    return DECIDE_APPEAL, values, "appeal_decided", event.decided_by, detail


def _decision(event: Upheld | Dismissed, keys: Keys) -> Written:
    upheld = isinstance(event, Upheld)
    severity = event.severity if isinstance(event, Upheld) else None
    until = event.suspended_until if isinstance(event, Upheld) else None
    values = {
        "status": "upheld" if upheld else "dismissed",
        "severity": severity,
        "until": until,
        "at": event.at,
        "by": event.decided_by,
        "reason": sealed(keys, event, "decision_reason", event.reason),
    }
    detail = {"severity": severity, "suspended_until": until.isoformat() if until else None}
    change = "upheld" if upheld else "dismissed"
    return DECIDE, values, change, event.decided_by, detail if upheld else {}
