"""The `members` projection: each member's current profile, identities, tags and status.

A page is applied set-based: its events are folded in log order into one change per
member (member_rows) and per identity (identity_rows), which are then written with a few
statements per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar
from uuid import UUID

from psycopg import Cursor

from domain.members.member import Member
from domain.members.membership import ACTIVE, ERASED, LEFT
from projections.members.identity_rows import IdentityChanges, load_identities, write_identities
from projections.members.match_rows import MATCH_EVENTS, apply_match_event
from projections.members.member_rows import (
    REFRESH_DERIVED,
    MemberChange,
    names_set,
    write_members,
)
from projections.members.merge_rows import MERGE_EVENTS, apply_merge_event
from projections.members.name_terms import move_staged_terms, stage_name_terms, write_name_terms
from projections.personal import PersonalData
from projections.projection import SealingProjection
from projections.unnest import as_columns

# Erasures whose tables the worker rewrites later (projections/compaction.py). A replay
# meets old erasures again: one already compacted stays so.
RECORD_ERASURES = """
INSERT INTO erasure_compactions (member_id, erased_at)
SELECT * FROM unnest(%s::uuid[], %s::timestamptz[]) ON CONFLICT (member_id) DO NOTHING
"""

# How a page writes name search's terms: in place, or staged during a rebuild.
TermsWriter = Callable[[Cursor[Any], PersonalData, list[tuple[UUID, str | None]]], None]

_FLAGS: dict[type[Member.Event], dict[str, Any]] = {
    Member.MarkedAsStaff: {"is_staff": True},
    Member.UnmarkedAsStaff: {"is_staff": False},
    Member.MarkedAsBot: {"is_bot": True},
    Member.UnmarkedAsBot: {"is_bot": False},
    Member.Rejoined: {"status": ACTIVE, "left_at": None, "set_left_at": True},
}

# The member events this projection applies (the flag events are the keys of _FLAGS).
_APPLIED: tuple[type[Member.Event], ...] = (
    Member.Joined,
    Member.ProfileUpdated,
    Member.IdentityLinked,
    Member.IdentityUnlinked,
    Member.Erased,
    Member.Tagged,
    Member.Untagged,
    Member.Left,
    *_FLAGS,
    *MERGE_EVENTS,
)


class MembersProjection(SealingProjection):
    """Current state of every member, for lists, filters, search and member pages."""

    name: ClassVar[str] = "members"
    # GraphQL subscriptions follow it (api/live.py).
    announced: ClassVar[bool] = True
    tables: ClassVar[tuple[str, ...]] = (
        "members",
        "member_identities",
        "member_counts",
        "identity_match_decisions",
        "member_name_terms",
        "member_name_terms_replay",
    )
    # A rebuild keeps the keys its upserts and derived columns read (channels and blind
    # indexes are gathered through member_identities by member, and from merged members),
    # builds the other indexes once at the end, and stages name terms (see name_terms.py).
    replay_tables: ClassVar[tuple[str, ...]] = ("members", "member_identities")
    replay_keeps: ClassVar[frozenset[str]] = frozenset(
        {
            "members_pkey",
            "members_merged_into_idx",
            "member_identities_pkey",
            "member_identities_member_idx",
        }
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        {*(kind.TOPIC for kind in _APPLIED), *(kind.TOPIC for kind in MATCH_EVENTS)}
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Fold the page per member and per identity, then write each once."""
        self._apply(cursor, events, write_name_terms)

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """As `apply`, with name terms staged for `finish_replay`."""
        self._apply(cursor, events, stage_name_terms)

    def finish_replay(self, cursor: Cursor[Any]) -> None:
        """Each member's last staged name terms become its terms."""
        move_staged_terms(cursor)

    def _apply(self, cursor: Cursor[Any], events: Sequence[Any], terms: TermsWriter) -> None:
        """Merge events (rare) cut the page: what comes before them is written first."""
        run: list[Any] = []
        for event in events:
            if type(event) in MATCH_EVENTS:
                apply_match_event(cursor, event)  # about pairs, not members: in any order
            elif type(event) in MERGE_EVENTS:
                self._apply_run(cursor, run, terms)
                run = []
                cursor.execute(REFRESH_DERIVED, (apply_merge_event(cursor, event),))
            else:
                run.append(event)
        self._apply_run(cursor, run, terms)

    def _apply_run(self, cursor: Cursor[Any], events: Sequence[Any], terms: TermsWriter) -> None:
        if not events:
            return
        personal = self.personal
        identities = load_identities(cursor, events, personal)
        changes: dict[UUID, MemberChange] = {}
        for event in events:
            change = changes.get(event.originator_id)
            if change is None:
                change = changes[event.originator_id] = MemberChange(event.originator_id)
            _fold(change, identities, event, personal)
        keys = personal.writer_keys(_sealing(changes.values(), identities))
        write_identities(cursor, identities, keys)
        write_members(cursor, list(changes.values()), keys, personal)
        terms(cursor, personal, names_set(list(changes.values())))
        erased = [(e.originator_id, e.timestamp) for e in events if type(e) is Member.Erased]
        if erased:
            cursor.execute(RECORD_ERASURES, as_columns(erased, 2))


def _sealing(changes: Iterable[MemberChange], identities: IdentityChanges) -> set[UUID]:
    """Members whose page writes personal values, which are sealed under their keys."""
    members = {
        c.member_id
        for c in changes
        if c.columns.get("status") != ERASED
        and ("email" in c.columns or c.attributes is not None or c.patch is not None)
    }
    return members | {row[3] for row in identities.changed()[1]}


def _fold(
    change: MemberChange, identities: IdentityChanges, event: Any, personal: PersonalData
) -> None:
    """Apply one event to the member's change and to the page's identities."""
    kind = type(event)
    change.touch(event)
    if kind is Member.Joined:
        change.join(event)
    elif kind is Member.ProfileUpdated:
        change.update_profile(event.changes or {})
    elif kind is Member.IdentityLinked or kind is Member.IdentityUnlinked:
        change.derived = True
        if event.handle is None:  # personal data already shredded: an erasure follows
            return
        key = (event.channel, personal.handle_key(event.handle))
        if kind is Member.IdentityLinked:
            identities.link((*key, event.handle, event.originator_id, event.timestamp))
        else:
            identities.unlink(key, event.originator_id)
    elif kind is Member.Erased:
        identities.erase(event.originator_id)
        change.erase(event.timestamp)
    elif kind is Member.Tagged or kind is Member.Untagged:
        change.tags[event.tag] = kind is Member.Tagged
    elif kind is Member.Left:
        change.columns.update(status=LEFT, left_at=event.left_at, set_left_at=True)
    else:
        change.columns.update(_FLAGS[kind])
