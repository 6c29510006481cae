"""A member's identities: which held (channel, handle) pair a given handle names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from eventsourcing.domain import Aggregate

from domain.values import same_handle

if TYPE_CHECKING:
    from domain.members.member import Member

# A held identity is [channel, handle]; an erasure shreds the handle to None.
HeldIdentity = list[str | None]


def names_identity(pair: HeldIdentity, channel: str, handle: str | None) -> bool:
    """Whether the held pair is this (channel, handle), case, @ and composition aside."""
    held_channel, held_handle = pair
    if held_handle is None or handle is None:
        # Shredded by an erasure: unreadable handles match nothing (the erasure clears them).
        return False
    return held_channel == channel and same_handle(held_handle, handle)


def held_handle(identities: Sequence[HeldIdentity], channel: str, handle: str) -> str | None:
    """The handle as stored for the identity this (channel, handle) names; None if not held."""
    for held_channel, held in identities:
        if held is not None and names_identity([held_channel, held], channel, handle):
            return held
    return None


def without_identity(
    identities: Sequence[HeldIdentity], channel: str, handle: str | None
) -> list[HeldIdentity]:
    """The identities less the one this (channel, handle) names."""
    return [pair for pair in identities if not names_identity(pair, channel, handle)]


class IdentityEvent(Aggregate.Event):
    """Fields of Member.IdentityLinked and Member.IdentityUnlinked."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("handle",)
    channel: str
    handle: str


class IdentityLinkedEvent(IdentityEvent):
    """The member was recognised as this handle on this channel."""

    def apply(self, aggregate: Member) -> None:
        aggregate.identities = [*aggregate.identities, [self.channel, self.handle]]


class IdentityUnlinkedEvent(IdentityEvent):
    """The handle on this channel is no longer the member's."""

    def apply(self, aggregate: Member) -> None:
        aggregate.identities = without_identity(aggregate.identities, self.channel, self.handle)
