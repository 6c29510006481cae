"""The Member aggregate: one person of the community, from joining to erasure."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from domain.errors import (
    IdentityNotLinked,
    InvalidField,
    MemberAlreadyLeft,
    MemberHasNotLeft,
    MemberIsErased,
)
from domain.lifecycle.stages import Assessment, Stage
from domain.moments import DEFAULT_BOUNDS, TimeBounds
from domain.values import merge_attributes, same_handle

ACTIVE = "active"
LEFT = "left"
ERASED = "erased"


class Member(Aggregate):
    """A person in the community, with identities across channels and a lifecycle."""

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

    class ProfileUpdated(Event):
        """Some profile fields changed; `changes` holds only the new values."""

        TOPIC = "crm.member.ProfileUpdated"
        PERSONAL_FIELDS = ("changes",)
        changes: dict[str, Any]

        def apply(self, aggregate: Member) -> None:
            changes = self.changes or {}
            if "display_name" in changes:
                aggregate.display_name = changes["display_name"]
            if "email" in changes:
                aggregate.email = changes["email"]
            if "attributes" in changes:
                aggregate.attributes = merge_attributes(aggregate.attributes, changes["attributes"])

    class IdentityLinked(Event):
        """The member was recognised as this handle on this channel."""

        TOPIC = "crm.member.IdentityLinked"
        PERSONAL_FIELDS = ("handle",)
        channel: str
        handle: str

        def apply(self, aggregate: Member) -> None:
            aggregate.identities = [*aggregate.identities, [self.channel, self.handle]]

    class IdentityUnlinked(Event):
        """The handle on this channel is no longer the member's."""

        TOPIC = "crm.member.IdentityUnlinked"
        PERSONAL_FIELDS = ("handle",)
        channel: str
        handle: str

        def apply(self, aggregate: Member) -> None:
            aggregate.identities = [
                pair for pair in aggregate.identities if not _same(pair, self.channel, self.handle)
            ]

    class Tagged(Event):
        """A label (speaker, beta-tester, ...) was put on the member."""

        TOPIC = "crm.member.Tagged"
        tag: str

        def apply(self, aggregate: Member) -> None:
            aggregate.tags = sorted({*aggregate.tags, self.tag})

    class Untagged(Event):
        """A label was taken off the member."""

        TOPIC = "crm.member.Untagged"
        tag: str

        def apply(self, aggregate: Member) -> None:
            aggregate.tags = [tag for tag in aggregate.tags if tag != self.tag]

    class MarkedAsStaff(Event):
        """The member works for the brand: excluded from community metrics."""

        TOPIC = "crm.member.MarkedAsStaff"

        def apply(self, aggregate: Member) -> None:
            aggregate.is_staff = True

    class UnmarkedAsStaff(Event):
        """The member no longer counts as staff."""

        TOPIC = "crm.member.UnmarkedAsStaff"

        def apply(self, aggregate: Member) -> None:
            aggregate.is_staff = False

    class MarkedAsBot(Event):
        """The account is automated: excluded from community metrics."""

        TOPIC = "crm.member.MarkedAsBot"

        def apply(self, aggregate: Member) -> None:
            aggregate.is_bot = True

    class UnmarkedAsBot(Event):
        """The account turned out to be a person after all."""

        TOPIC = "crm.member.UnmarkedAsBot"

        def apply(self, aggregate: Member) -> None:
            aggregate.is_bot = False

    class Left(Event):
        """The member left the community."""

        TOPIC = "crm.member.Left"
        PERSONAL_FIELDS = ("reason",)  # free text about a person: erased with the rest
        left_at: datetime
        reason: str | None

        def apply(self, aggregate: Member) -> None:
            aggregate.status = LEFT
            aggregate.left_at = self.left_at
            aggregate.stage = Stage.LEFT.value
            aggregate.stage_since = self.left_at

    class Rejoined(Event):
        """A member who had left came back."""

        TOPIC = "crm.member.Rejoined"
        rejoined_at: datetime

        def apply(self, aggregate: Member) -> None:
            aggregate.status = ACTIVE
            aggregate.left_at = None
            aggregate.stage = Stage.RETURNING.value
            aggregate.stage_since = self.rejoined_at

    class StageChanged(Event):
        """A rule version judged the member to be in another lifecycle stage from effective_at."""

        TOPIC = "crm.member.StageChanged"
        stage: str
        previous: str | None
        effective_at: datetime
        rule_version: str
        reason: str
        evidence: dict[str, Any]

        def apply(self, aggregate: Member) -> None:
            aggregate.stage = self.stage
            aggregate.stage_since = self.effective_at

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
        self.identities: list[list[str | None]] = []
        self.tags: list[str] = []
        self.is_staff = False
        self.is_bot = False
        self.status = ACTIVE
        self.left_at: datetime | None = None
        self.stage: str | None = None
        self.stage_since: datetime | None = None

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
        return any(_same(pair, channel, handle) for pair in self.identities)

    def update_profile(self, changes: dict[str, Any]) -> None:
        """Record the profile fields that really change; a no-op records nothing."""
        self._refuse_if_erased()
        effective = self._effective_changes(changes)
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
        for held_channel, held_handle in self.identities:
            # A shredded (None) handle never matches; the check also narrows the type.
            if held_handle is not None and _same([held_channel, held_handle], channel, handle):
                self.trigger_event(self.IdentityUnlinked, channel=channel, handle=held_handle)
                return held_handle
        raise IdentityNotLinked(channel)

    def tag(self, tag: str) -> None:
        """Put a label on the member; tagging twice changes nothing."""
        self._refuse_if_erased()
        if tag not in self.tags:
            self.trigger_event(self.Tagged, tag=tag)

    def untag(self, tag: str) -> None:
        """Take a label off; removing an absent label changes nothing."""
        self._refuse_if_erased()
        if tag in self.tags:
            self.trigger_event(self.Untagged, tag=tag)

    def mark_as_staff(self, is_staff: bool) -> None:
        """Set whether the member is staff; setting the current value changes nothing."""
        self._refuse_if_erased()
        if is_staff != self.is_staff:
            self.trigger_event(self.MarkedAsStaff if is_staff else self.UnmarkedAsStaff)

    def mark_as_bot(self, is_bot: bool) -> None:
        """Set whether the account is a bot; setting the current value changes nothing."""
        self._refuse_if_erased()
        if is_bot != self.is_bot:
            self.trigger_event(self.MarkedAsBot if is_bot else self.UnmarkedAsBot)

    def leave(
        self,
        *,
        left_at: datetime,
        reason: str | None,
        now: datetime,
        bounds: TimeBounds = DEFAULT_BOUNDS,
    ) -> None:
        """Record that the member left; leaving twice is refused."""
        self._refuse_if_erased()
        if self.status == LEFT:
            raise MemberAlreadyLeft(self.id)
        bounds.check("left_at", left_at, now)
        if left_at < self.joined_at:
            raise InvalidField("left_at", "a member cannot leave before joining")
        self.trigger_event(self.Left, left_at=left_at, reason=reason)

    def rejoin(
        self, *, rejoined_at: datetime, now: datetime, bounds: TimeBounds = DEFAULT_BOUNDS
    ) -> None:
        """Record that a member who left came back."""
        self._refuse_if_erased()
        if self.status != LEFT:
            raise MemberHasNotLeft(self.id)
        bounds.check("rejoined_at", rejoined_at, now)
        if self.left_at is not None and rejoined_at < self.left_at:
            raise InvalidField("rejoined_at", "a member cannot rejoin before leaving")
        self.trigger_event(self.Rejoined, rejoined_at=rejoined_at)

    def change_stage(self, assessment: Assessment, effective_at: datetime) -> bool:
        """Record a new stage; the same stage again records nothing, so evaluating is idempotent."""
        self._refuse_if_erased()
        if assessment.stage.value == self.stage or self.status == LEFT:
            return False
        if self.stage_since is not None and effective_at < self.stage_since:
            raise InvalidField("effective_at", "stages are evaluated forward in time only")
        self.trigger_event(
            self.StageChanged,
            stage=assessment.stage.value,
            previous=self.stage,
            effective_at=effective_at,
            rule_version=assessment.rule_version,
            reason=assessment.reason,
            evidence=asdict(assessment.evidence),
        )
        return True

    def erase(self) -> None:
        """Erase the person's data; erasing is final."""
        self._refuse_if_erased()
        self.trigger_event(self.Erased)

    def _refuse_if_erased(self) -> None:
        if self.is_erased:
            raise MemberIsErased(self.id)

    def _effective_changes(self, changes: dict[str, Any]) -> dict[str, Any]:
        effective: dict[str, Any] = {}
        for field in ("display_name", "email"):
            if field in changes and changes[field] != getattr(self, field):
                effective[field] = changes[field]
        patch = {
            key: value
            for key, value in (changes.get("attributes") or {}).items()
            if self.attributes.get(key) != value
        }
        if patch:
            effective["attributes"] = patch
        return effective


def _same(pair: list[str | None], channel: str, handle: str | None) -> bool:
    held_channel, held_handle = pair
    if held_handle is None or handle is None:
        # Shredded by an erasure: unreadable handles match nothing (the erasure clears them).
        return False
    return held_channel == channel and same_handle(held_handle, handle)
