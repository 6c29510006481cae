"""Merging two members who are one person, and undoing it, as the members' own events.

A merge never moves an event: the source keeps its identities, profile, tags and every
interaction recorded through its identities (later ones too); it is only marked as merged
into the target, and the read side counts the two as one person. Unmerging removes the
mark, so the source comes back exactly as its own events make it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import ConflictError
from domain.pinned import PinnedTopic

if TYPE_CHECKING:
    from domain.members.member import Member

# Why a merge is refused, as codes a client can switch on.
SAME_MEMBER = "SAME_MEMBER"
TARGET_ERASED = "MEMBER_ERASED"
SOURCE_ALREADY_MERGED = "ALREADY_MERGED"
TARGET_MERGED_AWAY = "MERGED_AWAY"
SOURCE_HOLDS_MERGES = "HOLDS_MERGED_MEMBERS"
NOT_MERGED = "NOT_MERGED"


class MergeRefused(ConflictError):
    """A merge or unmerge the members' states forbid; `field` names the input at fault."""

    code = "MERGE_REFUSED"

    def __init__(self, field: str, reason: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.reason = reason


class MergeNotFound(ConflictError):
    """No merge has this id."""

    code = "MERGE_NOT_FOUND"

    def __init__(self, merge_id: UUID) -> None:
        super().__init__(f"no merge with id {merge_id}")
        self.merge_id = merge_id


class MergedIntoEvent(Aggregate.Event):
    """On the source: from now on it is counted as part of the target."""

    merge_id: UUID
    target_id: UUID

    def apply(self, aggregate: Member) -> None:
        aggregate.merged_into = self.target_id
        aggregate.merge_id = self.merge_id


class AbsorbedEvent(Aggregate.Event):
    """On the target: the source's history now counts as the target's.

    `tags` and `joined_at` are the person's: the union of both members' tags, the earlier
    join date (the target's own stay on the aggregate, for the unmerge).
    """

    merge_id: UUID
    source_id: UUID
    tags: list[str]
    joined_at: datetime

    def apply(self, aggregate: Member) -> None:
        aggregate.absorbed = [*aggregate.absorbed, self.source_id]


class SplitOffEvent(Aggregate.Event):
    """On the source: the merge was undone; it is a member of its own again, with `status`."""

    merge_id: UUID
    target_id: UUID
    status: str

    def apply(self, aggregate: Member) -> None:
        aggregate.merged_into = None
        aggregate.merge_id = None


class ReleasedEvent(Aggregate.Event):
    """On the target: the source's history no longer counts as the target's.

    `tags` and `joined_at` are the target's own again.
    """

    merge_id: UUID
    source_id: UUID
    tags: list[str]
    joined_at: datetime

    def apply(self, aggregate: Member) -> None:
        aggregate.absorbed = [m for m in aggregate.absorbed if m != self.source_id]


class MemberMerge(Aggregate):
    """One merge of a source member into a target, with an id to undo it by."""

    TOPIC = "crm.member.MemberMerge"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.member.MemberMergeCreated"

    def __init__(self, *, source_id: UUID, target_id: UUID, at: datetime) -> None:
        self.source_id = source_id
        self.target_id = target_id
        self.merged_at = at
        self.unmerged_at: datetime | None = None

    @classmethod
    def start(cls, *, source: Member, target: Member, at: datetime) -> MemberMerge:
        """A merge of `source` into `target`; MergeRefused when their states forbid it."""
        check_mergeable(source, target)
        merge = cls._create(Merged, source_id=source.id, target_id=target.id, at=at)
        source.trigger_event(source.MergedInto, merge_id=merge.id, target_id=target.id)
        target.trigger_event(
            target.Absorbed,
            merge_id=merge.id,
            source_id=source.id,
            tags=sorted({*source.tags, *target.tags}),
            joined_at=min(source.joined_at, target.joined_at),
        )
        return merge

    def undo(self, *, source: Member, target: Member, at: datetime) -> None:
        """Undo the merge: the source is its own member again, the target as before it."""
        if self.unmerged_at is not None or source.merge_id != self.id:
            raise MergeRefused("mergeId", NOT_MERGED, f"merge {self.id} was already undone")
        self.trigger_event(Unmerged, at=at)
        source.trigger_event(
            source.SplitOff, merge_id=self.id, target_id=target.id, status=source.status
        )
        target.trigger_event(
            target.Released,
            merge_id=self.id,
            source_id=source.id,
            tags=list(target.tags),
            joined_at=target.joined_at,
        )


class MergeEvent(PinnedTopic, Aggregate.Event):
    """Base of a merge's own events."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()


class Merged(MergeEvent, Aggregate.Created):
    """The source was merged into the target."""

    TOPIC = "crm.member.Merged"
    source_id: UUID
    target_id: UUID
    at: datetime


class Unmerged(MergeEvent):
    """The merge was undone."""

    TOPIC = "crm.member.Unmerged"
    at: datetime

    def apply(self, aggregate: MemberMerge) -> None:
        aggregate.unmerged_at = self.at


def check_mergeable(source: Member, target: Member) -> None:
    """Refuse what cannot be one person: naming the input at fault."""
    if source.id == target.id:
        raise MergeRefused("targetId", SAME_MEMBER, "a member cannot be merged into itself")
    if target.is_erased:
        raise MergeRefused("targetId", TARGET_ERASED, f"member {target.id} was erased")
    if source.is_erased:
        raise MergeRefused("sourceId", TARGET_ERASED, f"member {source.id} was erased")
    if source.merged_into is not None:
        raise MergeRefused(
            "sourceId",
            SOURCE_ALREADY_MERGED,
            f"member {source.id} is already merged into {source.merged_into}",
        )
    if target.merged_into is not None:
        raise MergeRefused(
            "targetId",
            TARGET_MERGED_AWAY,
            f"member {target.id} was merged into {target.merged_into}: merge into that one",
        )
    if source.absorbed:
        # One level only: every merged member points at the person it is counted as.
        raise MergeRefused(
            "sourceId",
            SOURCE_HOLDS_MERGES,
            f"member {source.id} holds merged members: merge {target.id} into it instead",
        )
