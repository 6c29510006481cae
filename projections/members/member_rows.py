"""What a page of member events does to each member's row, and how those rows are written.

A page is folded into one change per member, then written with a few statements: new
members in one insert, known ones in one update, then their derived columns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import Cursor
from psycopg.types.json import Jsonb

from domain.members.membership import ACTIVE, ERASED
from projections.personal import ATTRIBUTES, EMAIL, Keys, PersonalData, open_value, seal_value

# The columns of a folded change, as jsonb_to_recordset reads them. Personal values
# arrive sealed (bytea as "\\x..." text), never in clear.
_CHANGE_COLUMNS = """
    member_id uuid, display_name text, set_name boolean, sealed_email bytea, email_key bytea,
    set_email boolean, status text, joined_at timestamptz, source_channel text,
    sealed_attributes bytea, set_attributes boolean, tags_add text[], tags_remove text[],
    tag_ops boolean, is_staff boolean, is_bot boolean, left_at timestamptz,
    set_left_at boolean, erased_at timestamptz, set_erased_at boolean, version bigint,
    updated_at timestamptz
"""
# Derived columns: channels the member is on, and the blind indexes an exact search of an
# e-mail or a handle compares (names are matched by substring on their own column).
# A member's identities include those of the members merged into it (migration 0031).
_CHANNELS = """ARRAY(
    SELECT DISTINCT c FROM (
        SELECT i.channel FROM member_identities i WHERE i.member_id = {m}.member_id
        UNION SELECT i.channel FROM members s JOIN member_identities i USING (member_id)
            WHERE s.merged_into = {m}.member_id
        UNION SELECT {m}.source_channel
    ) AS x(c) WHERE c <> 'other' ORDER BY c)"""
_SEARCH_KEYS = f"""CASE WHEN {{m}}.status = '{ERASED}' THEN '{{{{}}}}'::bytea[] ELSE ARRAY(
    SELECT DISTINCT k FROM (
        SELECT i.handle_key FROM member_identities i WHERE i.member_id = {{m}}.member_id
        UNION ALL SELECT i.handle_key FROM members s JOIN member_identities i USING (member_id)
            WHERE s.merged_into = {{m}}.member_id
        UNION ALL SELECT {{m}}.email_key
    ) AS x(k) WHERE k IS NOT NULL ORDER BY k) END"""
_SORTED_TAGS = """ARRAY(SELECT DISTINCT t FROM unnest({tags} || c.tags_add) t
    WHERE t <> ALL(c.tags_remove) ORDER BY t)"""

# Members who joined in the page: written whole, derived columns included.
INSERT_MEMBERS = f"""
INSERT INTO members (member_id, display_name, sealed_email, email_key, status, joined_at,
    source_channel, sealed_attributes, tags, is_staff, is_bot, left_at, erased_at, version,
    updated_at, channels, search_keys)
SELECT c.member_id, c.display_name, c.sealed_email, c.email_key, c.status, c.joined_at,
    c.source_channel, c.sealed_attributes, {_SORTED_TAGS.format(tags="'{}'::text[]")},
    c.is_staff, c.is_bot, c.left_at, c.erased_at, c.version, c.updated_at,
    {_CHANNELS.format(m="c")}, {_SEARCH_KEYS.format(m="c")}
FROM jsonb_to_recordset(%s) AS c({_CHANGE_COLUMNS})
"""
# Members already projected: each column changes only where the page changed it.
UPDATE_MEMBERS = f"""
UPDATE members m SET
    display_name = CASE WHEN c.set_name THEN c.display_name ELSE m.display_name END,
    sealed_email = CASE WHEN c.set_email THEN c.sealed_email ELSE m.sealed_email END,
    email_key = CASE WHEN c.set_email THEN c.email_key ELSE m.email_key END,
    sealed_attributes = CASE
        WHEN c.set_attributes THEN c.sealed_attributes ELSE m.sealed_attributes END,
    status = coalesce(c.status, m.status),
    tags = CASE WHEN c.tag_ops THEN {_SORTED_TAGS.format(tags="m.tags")} ELSE m.tags END,
    is_staff = coalesce(c.is_staff, m.is_staff),
    is_bot = coalesce(c.is_bot, m.is_bot),
    left_at = CASE WHEN c.set_left_at THEN c.left_at ELSE m.left_at END,
    erased_at = CASE WHEN c.set_erased_at THEN c.erased_at ELSE m.erased_at END,
    version = c.version, updated_at = c.updated_at
FROM jsonb_to_recordset(%s) AS c({_CHANGE_COLUMNS})
WHERE m.member_id = c.member_id
"""
REFRESH_DERIVED = f"""
UPDATE members m SET channels = {_CHANNELS.format(m="m")},
    search_keys = {_SEARCH_KEYS.format(m="m")}
WHERE m.member_id = ANY(%s)
"""
# The stored attributes of members whose page merges changes into them.
LOAD_ATTRIBUTES = "SELECT member_id, sealed_attributes FROM members WHERE member_id = ANY(%s)"


@dataclass
class MemberChange:
    """What a page does to one member's row, folded in log order."""

    member_id: UUID
    joined: bool = False
    columns: dict[str, Any] = field(default_factory=dict)
    # The whole attributes value, once the page has set it (joining, erasure).
    attributes: dict[str, Any] | None = None
    # Attribute changes still to merge into the stored value (members projected before).
    patch: dict[str, Any] | None = None
    # Per tag, whether the page leaves it on (last tag or untag wins).
    tags: dict[str, bool] = field(default_factory=dict)
    derived: bool = False

    def join(self, event: Any) -> None:
        """The member's first event: every column starts from it."""
        self.joined = self.derived = True
        self.attributes = dict(event.attributes or {})
        self.columns.update(
            display_name=event.display_name,
            set_name=True,
            email=event.email,
            set_email=True,
            status=ACTIVE,
            joined_at=event.joined_at,
            source_channel=event.source_channel,
            is_staff=False,
            is_bot=False,
        )

    def update_profile(self, changes: dict[str, Any]) -> None:
        """Name and e-mail when given; attributes merged, a null removing one."""
        self.derived = True
        for name, flag in (("display_name", "set_name"), ("email", "set_email")):
            if name in changes:
                self.columns.update({name: changes[name], flag: True})
        patch = changes.get("attributes") or {}
        if self.attributes is not None:
            self.attributes = strip_nulls({**self.attributes, **patch})
        elif patch:
            self.patch = {**(self.patch or {}), **patch}

    def merge_stored(self, stored: dict[str, Any]) -> None:
        """The page's attribute changes merged into the stored value, now opened."""
        self.attributes = strip_nulls({**stored, **(self.patch or {})})
        self.patch = None

    def erase(self, at: datetime) -> None:
        """Personal data gone; tags and flags stay, as history does."""
        self.derived = True
        self.attributes, self.patch = {}, None
        self.columns.update(
            status=ERASED,
            display_name=None,
            set_name=True,
            email=None,
            set_email=True,
            erased_at=at,
            set_erased_at=True,
        )

    def touch(self, event: Any) -> None:
        """Every event sets the member's version."""
        self.columns.update(version=event.originator_version, updated_at=event.timestamp)

    def as_record(self, key: bytes | None, personal: PersonalData) -> dict[str, Any]:
        """The change as one jsonb_to_recordset row, its personal values sealed under `key`."""
        columns = dict(self.columns)
        if "email" in columns:
            email = columns.pop("email") if key is not None else None
            columns["sealed_email"] = seal_value(key, email, EMAIL, self.member_id)
            columns["email_key"] = personal.email_key(email)
        attributes = self.attributes or None  # an empty set is kept as no ciphertext at all
        return {
            **columns,
            "member_id": self.member_id,
            "sealed_attributes": seal_value(key, attributes, ATTRIBUTES, self.member_id),
            "set_attributes": self.attributes is not None,
            "tags_add": [t for t, on in self.tags.items() if on],
            "tags_remove": [t for t, on in self.tags.items() if not on],
            "tag_ops": bool(self.tags),
        }


def write_members(
    cursor: Cursor[Any], changes: list[MemberChange], keys: Keys, personal: PersonalData
) -> None:
    """New members in one insert, known ones in one update, then their derived columns."""
    joined = [c.as_record(keys.get(c.member_id), personal) for c in changes if c.joined]
    known = [c for c in changes if not c.joined]
    _merge_stored_attributes(cursor, [c for c in known if c.patch is not None], keys)
    if joined:
        cursor.execute(INSERT_MEMBERS, (_records(joined),))
    if known:
        records = [c.as_record(keys.get(c.member_id), personal) for c in known]
        cursor.execute(UPDATE_MEMBERS, (_records(records),))
        stale = [c.member_id for c in known if c.derived]
        if stale:
            cursor.execute(REFRESH_DERIVED, (stale,))


def names_set(changes: list[MemberChange]) -> list[tuple[UUID, str | None]]:
    """The members whose names the page set, with the name: their search terms change."""
    return [
        (c.member_id, c.columns.get("display_name")) for c in changes if "set_name" in c.columns
    ]


def _merge_stored_attributes(cursor: Cursor[Any], patched: list[MemberChange], keys: Keys) -> None:
    """Open the stored attributes of members the page patches (one query), and merge."""
    if not patched:
        return
    cursor.execute(LOAD_ATTRIBUTES, ([c.member_id for c in patched],))
    stored = dict(cursor.fetchall())
    for change in patched:
        key = keys.get(change.member_id)
        sealed = stored.get(change.member_id)
        change.merge_stored(open_value(key, sealed, ATTRIBUTES, change.member_id) or {})


def _records(records: list[dict[str, Any]]) -> Jsonb:
    return Jsonb(records, dumps=_dumps)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default)


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, bytes):
        return "\\x" + value.hex()  # bytea's text form
    raise TypeError(f"cannot project a {type(value).__name__} as JSON")


def strip_nulls(value: Any) -> Any:
    """What jsonb_strip_nulls does: object fields that are null go, at every depth."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value
