"""The Member aggregate: one person of the community, from joining to erasure."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.errors import IdentityNotLinked, MemberIsErased
from domain.members import consents, labels, merges
from domain.members.identities import (
    HeldIdentity,
    IdentityLinkedEvent,
    IdentityUnlinkedEvent,
    held_handle,
)
from domain.members.membership import (
    ACTIVE,
    ERASED,
    LEFT,
    LeftEvent,
    MembershipCommands,
    RejoinedEvent,
)
from domain.members.profile import ProfileUpdatedEvent, effective_changes
from domain.members.stage import StageChangedEvent, stage_change
from domain.moments import DEFAULT_BOUNDS, TimeBounds

if TYPE_CHECKING:
    from domain.lifecycle import Assessment

# The statuses are the member's vocabulary: readers may take them from here or membership.
__all__ = ["ACTIVE", "ERASED", "LEFT", "Member"]


class Member(Aggregate, labels.LabelCommands, MembershipCommands, consents.ConsentCommands):
    """A person in the community, with identities across channels and a lifecycle.

    The commands on labels, membership and consents are in those rules' modules (mixins).
    """

    TOPIC = "crm.member.Member"

    class Event(Aggregate.Event):
        """Base of member events; PERSONAL_FIELDS are encrypted under the member's key."""

        # Each event class pins its own topic, so that stored events never move with the code.
        TOPIC: ClassVar[str]
        PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()

    class Created(Event, Aggregate.Created):
        """The library's default creation event; pinned so that its topic never moves."""

        TOPIC = "crm.member.Created"

    class Joined(Event, Aggregate.Created):
        """The member joined the community (or was first seen on a channel)."""

        TOPIC = "crm.member.Joined"
        PERSONAL_FIELDS = ("display_name", "email", "attributes")
        display_name: str
        email: str | None
        joined_at: datetime
        source_channel: str
        attributes: dict[str, Any]

    class ProfileUpdated(ProfileUpdatedEvent, Event):
        """Some profile fields changed; `changes` holds only the new values."""

        TOPIC = "crm.member.ProfileUpdated"

    class IdentityLinked(IdentityLinkedEvent, Event):
        """The member was recognised as this handle on this channel."""

        TOPIC = "crm.member.IdentityLinked"

    class IdentityUnlinked(IdentityUnlinkedEvent, Event):
        """The handle on this channel is no longer the member's."""

        TOPIC = "crm.member.IdentityUnlinked"

    class Tagged(labels.TaggedEvent, Event):
        """A label (speaker, beta-tester, ...) was put on the member."""

        TOPIC = "crm.member.Tagged"

    class Untagged(labels.UntaggedEvent, Event):
        """A label was taken off the member."""

        TOPIC = "crm.member.Untagged"

    class MarkedAsStaff(labels.MarkedAsStaffEvent, Event):
        """The member works for the brand: excluded from community metrics."""

        TOPIC = "crm.member.MarkedAsStaff"

    class UnmarkedAsStaff(labels.UnmarkedAsStaffEvent, Event):
        """The member no longer counts as staff."""

        TOPIC = "crm.member.UnmarkedAsStaff"

    class MarkedAsBot(labels.MarkedAsBotEvent, Event):
        """The account is automated: excluded from community metrics."""

        TOPIC = "crm.member.MarkedAsBot"

    class UnmarkedAsBot(labels.UnmarkedAsBotEvent, Event):
        """The account turned out to be a person after all."""

        TOPIC = "crm.member.UnmarkedAsBot"

    class Left(LeftEvent, Event):
        """The member left the community (the reason is erased with the rest)."""

        TOPIC = "crm.member.Left"

    class Rejoined(RejoinedEvent, Event):
        """A member who had left came back."""

        TOPIC = "crm.member.Rejoined"

    class StageChanged(StageChangedEvent, Event):
        """A rule version judged the member to be in another lifecycle stage from effective_at."""

        TOPIC = "crm.member.StageChanged"

    class ConsentGiven(consents.ConsentGivenEvent, Event):
        """The member agreed to a purpose, with its proof (domain/members/consents.py)."""

        TOPIC = "crm.member.ConsentGiven"

    class ConsentWithdrawn(consents.ConsentWithdrawnEvent, Event):
        """The member withdrew consent to a purpose (or said no with none on record)."""

        TOPIC = "crm.member.ConsentWithdrawn"

    class MergedInto(merges.MergedIntoEvent, Event):
        """This member is one person with the target (domain/members/merges.py)."""

        TOPIC = "crm.member.MergedInto"

    class Absorbed(merges.AbsorbedEvent, Event):
        """The source's history counts as this member's from now on."""

        TOPIC = "crm.member.Absorbed"

    class SplitOff(merges.SplitOffEvent, Event):
        """The merge into the target was undone."""

        TOPIC = "crm.member.SplitOff"

    class Released(merges.ReleasedEvent, Event):
        """The source's history no longer counts as this member's."""

        TOPIC = "crm.member.Released"

    class Erased(Event):
        """The person's data was erased (GDPR): their key is shredded, history stays."""

        TOPIC = "crm.member.Erased"

        def apply(self, aggregate: Member) -> None:
            aggregate.status = ERASED
            aggregate.display_name = None
            aggregate.email = None
            aggregate.attributes = {}
            aggregate.identities = []

    def __init__(
        self,
        display_name: str,
        email: str | None,
        joined_at: datetime,
        source_channel: str,
        attributes: dict[str, Any],
    ) -> None:
        self.display_name: str | None = display_name
        self.email = email
        self.joined_at = joined_at
        self.source_channel = source_channel
        self.attributes = dict(attributes or {})
        self.identities: list[HeldIdentity] = []
        self.tags: list[str] = []
        self.is_staff = False
        self.is_bot = False
        self.status = ACTIVE
        self.left_at: datetime | None = None
        self.stage: str | None = None
        self.stage_since: datetime | None = None
        # A merge (domain/members/merges.py): the person this member is counted as, and
        # the members counted as this one.
        self.merged_into: UUID | None = None
        self.merge_id: UUID | None = None
        self.absorbed: list[UUID] = []

    @classmethod
    def join(
        cls,
        *,
        display_name: str,
        email: str | None,
        joined_at: datetime,
        source_channel: str,
        attributes: dict[str, Any],
        now: datetime,
        member_id: UUID | None = None,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> Member:
        """Record a new member; the join date may be in the past, within the bounds."""
        bounds.check("joined_at", joined_at, now)
        return cls._create(
            cls.Joined,
            id=member_id or uuid4(),
            display_name=display_name,
            email=email,
            joined_at=joined_at,
            source_channel=source_channel,
            attributes=attributes,
        )

    @property
    def is_erased(self) -> bool:
        """Whether the person's data has been erased."""
        return self.status == ERASED

    def holds_identity(self, channel: str, handle: str) -> bool:
        """Whether the member already holds this (channel, handle)."""
        return held_handle(self.identities, channel, handle) is not None

    def update_profile(self, changes: dict[str, Any]) -> None:
        """Record the profile fields that really change; a no-op records nothing."""
        self._refuse_if_erased()
        effective = effective_changes(self, changes)
        if effective:
            self.trigger_event(self.ProfileUpdated, changes=effective)

    def link_identity(self, channel: str, handle: str) -> None:
        """Link a channel identity; linking one the member already holds changes nothing."""
        self._refuse_if_erased()
        if not self.holds_identity(channel, handle):
            self.trigger_event(self.IdentityLinked, channel=channel, handle=handle)

    def unlink_identity(self, channel: str, handle: str) -> str:
        """Unlink a held identity and return the handle as it was stored."""
        self._refuse_if_erased()
        held = held_handle(self.identities, channel, handle)
        if held is None:
            raise IdentityNotLinked(channel)
        self.trigger_event(self.IdentityUnlinked, channel=channel, handle=held)
        return held

    def change_stage(self, assessment: Assessment, effective_at: datetime) -> bool:
        """Record a new stage; the same stage again records nothing, so evaluating is idempotent."""
        if self.merged_into is not None:
            return False  # counted as the target, whose stage is the person's
        self._refuse_if_erased()
        if assessment.stage.value == self.stage or self.status == LEFT:
            return False
        change = stage_change(
            assessment, previous=self.stage, since=self.stage_since, effective_at=effective_at
        )
        self.trigger_event(self.StageChanged, **change)
        return True

    def erase(self) -> None:
        """Erase the person's data; erasing is final (a merged member too)."""
        if self.is_erased:
            raise MemberIsErased(self.id)
        self.trigger_event(self.Erased)

    def _refuse_if_erased(self) -> None:
        """Refuse changes to an erased member, or to one merged into another (change that one)."""
        if self.is_erased:
            raise MemberIsErased(self.id)
        if self.merged_into is not None:
            raise merges.MergeRefused(
                "memberId",
                merges.TARGET_MERGED_AWAY,
                f"member {self.id} was merged into {self.merged_into}: change that one",
            )
