"""Everything held on one person, as one JSON-ready document (GDPR Art. 15 access).

Read in one snapshot from every context's tables by SQL, as the contract (CONTRACT14.md)
names them: profile and identities, consents with their proof, interactions, feedback given
and supported, the ambassador program, conduct records about the person, and the exports
that held their data. Sealed values are opened with the member's key; an erased member's
document says only that they were erased, and when.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.personal import (
    ATTRIBUTES,
    CONTENT,
    EMAIL,
    FEEDBACK_TEXT,
    HANDLE,
    PersonalData,
    open_value,
)

Row = dict[str, Any]
# The conduct projection seals an incident's free text about the member under their key,
# bound to the incident: column sealed_<name>, context conduct_incidents.<name>
# (CONTRACT14.md, migration 0019, projections/conduct/queries.py).
CONDUCT_SEALED = (
    "description",
    "evidence_url",
    "decision_reason",
    "appeal_reason",
    "appeal_decision_reason",
)
# The consent projection seals a consent event's note under the member's key, bound to the
# member and the event's position (migration 0018).
CONSENT_NOTE = "consent_history.note"

PROFILE = """
SELECT member_id, display_name, sealed_email, sealed_attributes, status, joined_at,
    source_channel, tags, channels, is_staff, is_bot, left_at, erased_at, updated_at
FROM members WHERE member_id = %s
"""
IDENTITIES = """
SELECT channel, sealed_handle, linked_at FROM member_identities WHERE member_id = %s
ORDER BY linked_at, channel
"""
CONSENTS = """
SELECT c.purpose, c.given, c.text_version, c.source, c.recorded_by, c.at, c.expires_at,
    t.text AS consent_text
FROM member_consents c LEFT JOIN consent_texts t
    ON t.purpose = c.purpose AND t.version = c.text_version
WHERE c.member_id = %s ORDER BY c.purpose
"""
CONSENT_HISTORY = """
SELECT position, purpose, given, text_version, source, recorded_by, at, expires_at, sealed_note
FROM consent_history WHERE member_id = %s ORDER BY position
"""
INTERACTIONS = """
SELECT interaction_id, channel, kind, occurred_at, recorded_at, sealed_content
FROM member_interactions WHERE member_id = %s ORDER BY occurred_at, interaction_id
"""
FEEDBACK_GIVEN = """
SELECT item_id, channel, kind, status, product_area, submitted_at, sealed_text
FROM feedback_items WHERE author_id = %s ORDER BY submitted_at, item_id
"""
FEEDBACK_SUPPORTED = """
SELECT item_id, importance, supported_at FROM feedback_supports WHERE member_id = %s
ORDER BY supported_at, item_id
"""
AMBASSADORSHIP = """
SELECT status, tier, nominated_at, since, term_ends, rule_version, factors, reason,
    incident_id, changed_at
FROM ambassadors WHERE member_id = %s
"""
# The program's reasons (why declined, paused, retired) are free text about the member: its
# events seal them under the member's key, and its read model keeps them opened until the
# member's erasure deletes them (migration 0016), so they are read here as they are.
PROGRAM_HISTORY = """
SELECT move, status, tier, at, reason, incident_id, term_ends FROM ambassador_history
WHERE member_id = %s ORDER BY position
"""
CONDUCT = """
SELECT incident_id, channel, sealed_description, sealed_evidence_url, status, severity,
    suspended_until, reported_at, decided_at, sealed_decision_reason, appealed_at,
    sealed_appeal_reason, appeal_decided_at, appeal_outcome, sealed_appeal_decision_reason
FROM conduct_incidents WHERE member_id = %s ORDER BY reported_at, incident_id
"""
STANDING = "SELECT standing, until FROM member_standing WHERE member_id = %s"
DISCLOSURES = """
SELECT export_id, kind, requested_by, role, at, filter, row_count FROM disclosures
WHERE export_id IN (SELECT export_id FROM disclosure_members WHERE member_id = %s)
ORDER BY at, export_id
"""


class DataSubjectExport:
    """One person's data across every context, read in one snapshot and opened with their key."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def document(self, member_id: UUID) -> dict[str, Any] | None:
        """The person's document; None when no member has this id."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            with conn.cursor(row_factory=dict_row) as cur:
                profile = _one(cur, PROFILE, member_id)
                if profile is None:
                    return None
                if profile["status"] == "erased":
                    # Nothing readable is left; saying so is all there is to say.
                    return {
                        "memberId": str(member_id),
                        "erased": True,
                        "erasedAt": profile["erased_at"],
                    }
                key = self.personal.reader_keys([member_id]).get(member_id)
                return {"memberId": str(member_id), "erased": False} | _sections(
                    cur, member_id, key, profile
                )


def _sections(cur: Cursor[Row], member_id: UUID, key: bytes | None, profile: Row) -> Row:
    """Every section of a member's document, their sealed values opened with `key`."""
    return {
        "profile": _profile(profile, key),
        "identities": [
            {
                "channel": i["channel"],
                "handle": open_value(
                    key, i["sealed_handle"], HANDLE, f"{member_id}:{i['channel']}"
                ),
                "linkedAt": i["linked_at"],
            }
            for i in _all(cur, IDENTITIES, member_id)
        ],
        "consents": {
            "current": _camel(_all(cur, CONSENTS, member_id)),
            "history": [
                _consent_event(c, key, member_id) for c in _all(cur, CONSENT_HISTORY, member_id)
            ],
        },
        "interactions": [_interaction(i, key) for i in _all(cur, INTERACTIONS, member_id)],
        "feedback": {
            "given": [_feedback(f, key) for f in _all(cur, FEEDBACK_GIVEN, member_id)],
            "supported": _camel(_all(cur, FEEDBACK_SUPPORTED, member_id)),
        },
        "ambassadorProgram": {
            "current": _camel_one(_one(cur, AMBASSADORSHIP, member_id)),
            "history": _camel(_all(cur, PROGRAM_HISTORY, member_id)),
        },
        "conduct": {
            "standing": _camel_one(_one(cur, STANDING, member_id)),
            "incidents": [_incident(c, key) for c in _all(cur, CONDUCT, member_id)],
        },
        "disclosures": _camel(_all(cur, DISCLOSURES, member_id)),
    }


def _profile(row: Row, key: bytes | None) -> Row:
    """The member's row with e-mail and attributes opened."""
    member_id = row["member_id"]
    opened = {
        k: v for k, v in row.items() if k not in ("member_id", "sealed_email", "sealed_attributes")
    }
    opened["email"] = open_value(key, row["sealed_email"], EMAIL, member_id)
    opened["attributes"] = open_value(key, row["sealed_attributes"], ATTRIBUTES, member_id) or {}
    return _camel_one(opened) or {}


def _consent_event(row: Row, key: bytes | None, member_id: UUID) -> Row:
    owner = f"{member_id}:{row.pop('position')}"
    note = open_value(key, row.pop("sealed_note"), CONSENT_NOTE, owner)
    return _camel_one(row | {"note": note}) or {}


def _interaction(row: Row, key: bytes | None) -> Row:
    content = open_value(key, row.pop("sealed_content"), CONTENT, row["interaction_id"]) or {}
    return _camel_one(row | {"url": content.get("url"), "summary": content.get("summary")}) or {}


def _feedback(row: Row, key: bytes | None) -> Row:
    opened = open_value(key, row.pop("sealed_text"), FEEDBACK_TEXT, row["item_id"]) or {}
    found = row | {"text": opened.get("text"), "source_url": opened.get("source_url")}
    return _camel_one(found) or {}


def _incident(row: Row, key: bytes | None) -> Row:
    incident = row["incident_id"]
    for name in CONDUCT_SEALED:
        sealed = row.pop(f"sealed_{name}")
        row[name] = open_value(key, sealed, f"conduct_incidents.{name}", incident)
    return _camel_one(row) or {}


def _one(cur: Cursor[Row], query: str, member_id: UUID) -> Row | None:
    cur.execute(query, (member_id,))
    return cur.fetchone()


def _all(cur: Cursor[Row], query: str, member_id: UUID) -> list[Row]:
    cur.execute(query, (member_id,))
    return cur.fetchall()


def _camel(rows: list[Row]) -> list[Row]:
    return [_camel_one(row) or {} for row in rows]


def _camel_one(row: Row | None) -> Row | None:
    """Keys as the JSON document spells them (camelCase, as the GraphQL API does)."""
    if row is None:
        return None
    return {_camel_key(key): value for key, value in row.items()}


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)
