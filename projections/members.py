"""The `members` projection: each member's current profile, identities, tags and status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor
from psycopg.types.json import Jsonb

from domain.member import ACTIVE, ERASED, LEFT, Member
from domain.values import normalise_handle
from projections.projection import Projection

INSERT_MEMBER = f"""
INSERT INTO members (member_id, display_name, email, status, joined_at, source_channel,
                     attributes, version, updated_at)
VALUES (%s, %s, %s, '{ACTIVE}', %s, %s, %s, %s, %s)
"""
UPDATE_PROFILE = """
UPDATE members SET
    display_name = CASE WHEN %(set_name)s THEN %(name)s ELSE display_name END,
    email = CASE WHEN %(set_email)s THEN %(email)s ELSE email END,
    attributes = jsonb_strip_nulls(attributes || %(patch)s),
    version = %(version)s, updated_at = %(at)s
WHERE member_id = %(id)s
"""
LINK = """
INSERT INTO member_identities (channel, handle_key, handle, member_id, linked_at)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (channel, handle_key) DO UPDATE
    SET handle = EXCLUDED.handle, member_id = EXCLUDED.member_id, linked_at = EXCLUDED.linked_at
"""
UNLINK = "DELETE FROM member_identities WHERE channel = %s AND handle_key = %s AND member_id = %s"
TOUCH = "UPDATE members SET {} version = %(version)s, updated_at = %(at)s WHERE member_id = %(id)s"
# Derived columns: channels the member is on, and the lower-cased text the search matches.
REFRESH_DERIVED = f"""
UPDATE members m SET
    channels = ARRAY(
        SELECT DISTINCT c FROM (
            SELECT i.channel FROM member_identities i WHERE i.member_id = m.member_id
            UNION SELECT m.source_channel
        ) AS x(c) WHERE c <> 'other' ORDER BY c),
    search_text = CASE WHEN m.status = '{ERASED}' THEN '' ELSE concat_ws(' ',
        lower(m.display_name), lower(m.email),
        (SELECT string_agg(lower(i.handle), ' ') FROM member_identities i
         WHERE i.member_id = m.member_id)) END
WHERE m.member_id = ANY(%s)
"""
ERASE = f"""
UPDATE members SET status = '{ERASED}', display_name = NULL, email = NULL, attributes = '{{}}',
    search_text = '', erased_at = %(at)s, version = %(version)s, updated_at = %(at)s
WHERE member_id = %(id)s
"""

_SIMPLE_UPDATES: dict[type[Any], str] = {
    Member.MarkedAsStaff: "is_staff = true,",
    Member.UnmarkedAsStaff: "is_staff = false,",
    Member.MarkedAsBot: "is_bot = true,",
    Member.UnmarkedAsBot: "is_bot = false,",
    Member.Tagged: (
        "tags = ARRAY(SELECT DISTINCT t FROM unnest(tags || %(tag)s::text) t ORDER BY t),"
    ),
    Member.Untagged: "tags = array_remove(tags, %(tag)s),",
    Member.Left: f"status = '{LEFT}', left_at = %(left_at)s,",
    Member.Rejoined: f"status = '{ACTIVE}', left_at = NULL,",
}


class MembersProjection(Projection):
    """Current state of every member, for lists, filters, search and member pages."""

    name: ClassVar[str] = "members"
    tables: ClassVar[tuple[str, ...]] = ("members", "member_identities", "member_counts")
    topics: ClassVar[frozenset[str]] = frozenset(
        kind.TOPIC
        for kind in (
            Member.Joined,
            Member.ProfileUpdated,
            Member.IdentityLinked,
            Member.IdentityUnlinked,
            Member.Erased,
            *_SIMPLE_UPDATES,
        )
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply member events in order; derived columns are refreshed once per page."""
        stale: set[UUID] = set()
        for event in events:
            if self._apply_one(cursor, event):
                stale.add(event.originator_id)
        if stale:
            cursor.execute(REFRESH_DERIVED, (list(stale),))

    def _apply_one(self, cursor: Cursor[Any], event: Any) -> bool:
        """Apply one event; True when the member's derived columns need refreshing."""
        kind = type(event)
        common = {
            "id": event.originator_id,
            "version": event.originator_version,
            "at": event.timestamp,
        }
        if kind is Member.Joined:
            cursor.execute(INSERT_MEMBER, _joined_row(event))
            return True
        if kind is Member.ProfileUpdated:
            cursor.execute(UPDATE_PROFILE, {**common, **_profile_changes(event.changes or {})})
            return True
        if kind in (Member.IdentityLinked, Member.IdentityUnlinked):
            self._apply_identity(cursor, event)
            cursor.execute(TOUCH.format(""), common)
            return True
        if kind is Member.Erased:
            cursor.execute(
                "DELETE FROM member_identities WHERE member_id = %s", (event.originator_id,)
            )
            cursor.execute(ERASE, common)
            return True
        if kind in _SIMPLE_UPDATES:
            cursor.execute(TOUCH.format(_SIMPLE_UPDATES[kind]), {**common, **_fields(event)})
        return False

    def _apply_identity(self, cursor: Cursor[Any], event: Any) -> None:
        if event.handle is None:  # personal data already shredded: an erasure follows
            return
        key = normalise_handle(event.handle)
        if isinstance(event, Member.IdentityLinked):
            cursor.execute(
                LINK, (event.channel, key, event.handle, event.originator_id, event.timestamp)
            )
        else:
            cursor.execute(UNLINK, (event.channel, key, event.originator_id))


def _joined_row(event: Any) -> tuple[Any, ...]:
    return (
        event.originator_id,
        event.display_name,
        event.email,
        event.joined_at,
        event.source_channel,
        Jsonb(event.attributes or {}),
        event.originator_version,
        event.timestamp,
    )


def _profile_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        "set_name": "display_name" in changes,
        "name": changes.get("display_name"),
        "set_email": "email" in changes,
        "email": changes.get("email"),
        "patch": Jsonb(changes.get("attributes") or {}),
    }


def _fields(event: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(event).items() if k in ("tag", "left_at")}
