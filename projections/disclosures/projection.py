"""The `disclosures` projection: every export of members' data, and the members each held.

Rows name members by id only (no contact data), so nothing here needs erasing: readers
join `members` and show an erased member as erased, without a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor
from psycopg.types.json import Jsonb

from domain.disclosures import DataDisclosed
from projections.projection import Projection, notification_ids

INSERT_DISCLOSURE = """
INSERT INTO disclosures (export_id, kind, requested_by, role, key_id, at, filter,
    rule_versions, row_count, position)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (export_id) DO NOTHING
"""
# One statement per export, however many members it held.
INSERT_MEMBERS = """
INSERT INTO disclosure_members (member_id, export_id)
SELECT unnest(%s::uuid[]), %s
ON CONFLICT DO NOTHING
"""


class DisclosuresProjection(Projection):
    """Exports newest first (`exports`), and the exports that held a member (`disclosures`)."""

    name: ClassVar[str] = "disclosures"
    tables: ClassVar[tuple[str, ...]] = ("disclosures", "disclosure_members")
    topics: ClassVar[frozenset[str]] = frozenset({DataDisclosed.TOPIC})

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Insert each export and its members (an export is recorded once, never changed)."""
        positions = notification_ids(events)
        for event, position in zip(events, positions, strict=True):
            if type(event) is not DataDisclosed:
                continue
            cursor.execute(
                INSERT_DISCLOSURE,
                (
                    event.originator_id,
                    event.kind,
                    event.requested_by,
                    event.role,
                    event.key_id,
                    event.at,
                    Jsonb(event.filter),
                    Jsonb(event.rule_versions),
                    event.row_count,
                    position,
                ),
            )
            cursor.execute(INSERT_MEMBERS, (event.member_ids, event.originator_id))
