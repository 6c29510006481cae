"""A page of feedback events folded in log order: each item's new columns, and what to write.

The page's items are loaded once (projections/feedback/writes.py), every event is applied
to them in memory, and the result is written with a few statements: rows, supports, loops,
history and words. Counts across duplicate groups are recomputed afterwards, in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.feedback import events as fe
from projections.feedback.rows import ChangeKind

# Columns of feedback_items that events set (counts are recomputed, text sealed apart).
STATE_COLUMNS = (
    "item_id",
    "author_id",
    "submitted_by",
    "channel",
    "kind",
    "source_interaction_id",
    "product_area",
    "priority",
    "team",
    "status",
    "submitted_at",
    "first_response_at",
    "first_response_channel",
    "responses",
    "duplicate_of",
    "tracker_url",
    "tracker_key",
    "version",
    "position",
    "changed_at",
    "status_changed_at",
)

_KINDS: dict[type[Any], ChangeKind] = {
    fe.Submitted: ChangeKind.SUBMITTED,
    fe.Triaged: ChangeKind.TRIAGED,
    fe.RespondedTo: ChangeKind.RESPONDED,
    fe.Supported: ChangeKind.SUPPORTED,
    fe.SupportWithdrawn: ChangeKind.SUPPORT_WITHDRAWN,
    fe.StatusChanged: ChangeKind.STATUS_CHANGED,
    fe.MarkedDuplicate: ChangeKind.MARKED_DUPLICATE,
    fe.UnmarkedDuplicate: ChangeKind.UNMARKED_DUPLICATE,
    fe.LinkedToTracker: ChangeKind.TRACKER_LINKED,
    fe.UnlinkedFromTracker: ChangeKind.TRACKER_UNLINKED,
    fe.LoopClosed: ChangeKind.LOOP_CLOSED,
}
# Events of a duplicate that change its canonical item's counts (GROUP_CHANGED there).
_GROUP_EVENTS = (fe.Supported, fe.SupportWithdrawn)

# A canonical item's own record of its duplicates: the duplicate's events already show
# the merge (GROUP_CHANGED), so these only keep the row's version the aggregate's.
_BOOKKEEPING = (fe.DuplicateAttached, fe.DuplicateDetached)

FEEDBACK_EVENTS: tuple[type[fe.FeedbackEvent], ...] = (*_KINDS, *_BOOKKEEPING)


@dataclass
class PageFold:
    """What a page does to the items it names, folded in log order."""

    items: dict[UUID, dict[str, Any]]
    # Items created by this page: (item_id, author_id, text, source_url) to seal and index.
    submitted: list[tuple[UUID, UUID, str | None, str | None]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    # (item, member) -> (importance, supported_at), or None once withdrawn.
    supports: dict[tuple[UUID, UUID], tuple[str, datetime] | None] = field(default_factory=dict)
    loops: list[dict[str, Any]] = field(default_factory=list)
    # Canonical ids of every group the page touches, before and after its events.
    groups: set[UUID] = field(default_factory=set)
    # Items whose columns the page changed, to be written back.
    dirty: set[UUID] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.groups.update(_group(row) for row in self.items.values())

    def apply(self, event: Any, position: int) -> None:
        """Apply one feedback event, at its notification id."""
        kind = type(event)
        if kind is fe.Submitted:
            self._submit(event, position)
        row = self.items.get(event.originator_id)
        if row is None:
            return  # its item was never submitted: nothing to change
        if kind in _BOOKKEEPING:
            row["version"] = event.originator_version
            self.dirty.add(row["item_id"])
            return
        previous = row["duplicate_of"]
        if kind is not fe.Submitted:
            _set_columns(row, event)
        row["version"] = event.originator_version
        self._changed(row, _KINDS[kind], event, position, _actor(event), _detail(event))
        if kind is fe.Supported:
            self.supports[(row["item_id"], event.member_id)] = (event.importance, event.timestamp)
        elif kind is fe.SupportWithdrawn:
            self.supports[(row["item_id"], event.member_id)] = None
        elif kind is fe.LoopClosed:
            self.loops.append(_loop(event))
        self._group_changed(row, event, position, previous)

    def _submit(self, event: Any, position: int) -> None:
        """A new row, with its counts at their defaults (the author alone)."""
        self.items[event.originator_id] = {
            "item_id": event.originator_id,
            "author_id": event.author_id,
            "submitted_by": event.submitted_by,
            "channel": event.channel,
            "kind": event.kind,
            "source_interaction_id": event.source_interaction_id,
            "product_area": event.product_area,
            "priority": None,
            "team": None,
            "status": "open",
            "submitted_at": event.submitted_at,
            "first_response_at": None,
            "first_response_channel": None,
            "responses": 0,
            "duplicate_of": None,
            "tracker_url": None,
            "tracker_key": None,
            "version": event.originator_version,
            "position": position,
            "changed_at": event.timestamp,
            "status_changed_at": event.submitted_at,
        }
        self.submitted.append((event.originator_id, event.author_id, event.text, event.source_url))
        self.groups.add(event.originator_id)

    def _group_changed(
        self, row: dict[str, Any], event: Any, position: int, previous: UUID | None
    ) -> None:
        """Tell the canonical item when one of its duplicates joins, leaves, or gains or
        loses support (`previous`: the row's canonical before the event)."""
        kind = type(event)
        canonical: UUID | None = None
        if kind is fe.MarkedDuplicate:
            canonical = event.canonical_id
        elif kind is fe.UnmarkedDuplicate or kind in _GROUP_EVENTS:
            canonical = previous
        if canonical is None:
            return
        self.groups.add(canonical)
        self.groups.add(row["item_id"])
        target = self.items.get(canonical)
        if target is not None:
            detail = {"duplicate_id": str(row["item_id"]), "change": _KINDS[kind].value}
            self._changed(target, ChangeKind.GROUP_CHANGED, event, position, _actor(event), detail)

    def _changed(
        self,
        row: dict[str, Any],
        change: ChangeKind,
        event: Any,
        position: int,
        actor: UUID | None,
        detail: dict[str, Any],
    ) -> None:
        """Record a change of the row: its history, and where in the log it last changed."""
        # max: an event retried from the parked ones never moves a row back in the feed.
        row["position"] = max(row["position"], position)
        row["changed_at"] = event.timestamp
        self.dirty.add(row["item_id"])
        self.history.append(
            {"i": row["item_id"], "p": position, "c": change.value, "a": event.timestamp}
            | {"b": actor, "d": detail}
        )


def _group(row: dict[str, Any]) -> UUID:
    """The canonical id of the row's group (itself when it stands alone)."""
    canonical: UUID = row["duplicate_of"] or row["item_id"]
    return canonical


def _set_columns(row: dict[str, Any], event: Any) -> None:
    """The columns an event sets on its own item."""
    kind = type(event)
    if kind is fe.Triaged:
        row.update(product_area=event.product_area, priority=event.priority, team=event.team)
    elif kind is fe.RespondedTo:
        row["responses"] += 1
        # The first answer by someone other than the author, and not a bot, is timed.
        counts = event.responder_id != row["author_id"] and not event.by_bot
        if counts and row["first_response_at"] is None:
            row["first_response_at"] = event.responded_at
            row["first_response_channel"] = event.channel
    elif kind is fe.StatusChanged:
        row.update(status=event.status, status_changed_at=event.timestamp)
    elif kind is fe.MarkedDuplicate:
        row["duplicate_of"] = event.canonical_id
    elif kind is fe.UnmarkedDuplicate:
        row["duplicate_of"] = None
    elif kind is fe.LinkedToTracker:
        row.update(tracker_url=event.url, tracker_key=event.key)
    elif kind is fe.UnlinkedFromTracker:
        row.update(tracker_url=None, tracker_key=None)


# The field of each event naming who made the change (triage and tracker links name none).
_ACTORS: dict[type[Any], str] = {
    fe.RespondedTo: "responder_id",
    fe.Supported: "member_id",
    fe.SupportWithdrawn: "member_id",
    fe.StatusChanged: "changed_by",
    fe.MarkedDuplicate: "marked_by",
    fe.UnmarkedDuplicate: "unmarked_by",
    fe.LoopClosed: "told_by",
}


def _actor(event: Any) -> UUID | None:
    """Who made the change, where the event says: staff recording for a member, or them."""
    if type(event) is fe.Submitted:
        actor: UUID = event.submitted_by or event.author_id
        return actor
    name = _ACTORS.get(type(event))
    return None if name is None else getattr(event, name)


def _detail(event: Any) -> dict[str, Any]:
    """What the history shows of the change besides its kind (never the text)."""
    kind = type(event)
    if kind is fe.Submitted:
        return {"channel": event.channel, "kind": event.kind}
    if kind is fe.Triaged:
        return {"product_area": event.product_area, "priority": event.priority, "team": event.team}
    if kind is fe.RespondedTo:
        return {
            "channel": event.channel,
            "responded_at": event.responded_at.isoformat(),
            "by_staff": event.by_staff,
            "by_bot": event.by_bot,
        }
    if kind is fe.Supported:
        return {"member_id": str(event.member_id), "importance": event.importance}
    if kind is fe.SupportWithdrawn:
        return {"member_id": str(event.member_id)}
    if kind is fe.StatusChanged:
        return {
            "from": event.previous,
            "to": event.status,
            "reason": event.reason,
            "notify_supporters": event.notify_supporters,
        }
    if kind is fe.MarkedDuplicate:
        return {"canonical_id": str(event.canonical_id)}
    if kind is fe.LinkedToTracker:
        return {"url": event.url, "key": event.key}
    if kind is fe.LoopClosed:
        return {"member_id": str(event.member_id), "channel": event.channel}
    return {}


def _loop(event: Any) -> dict[str, Any]:
    return {
        "i": event.originator_id,
        "m": event.member_id,
        "c": event.channel,
        "t": event.told_at,
        "b": event.told_by,
    }
