"""A member's labels: tags a manager puts on them, and whether they are staff or a bot.

Staff and bots are left out of every community metric; tags (speaker, beta-tester, ...)
are free labels. Member (domain/members/member.py) records these events.
"""

from __future__ import annotations

from typing import Protocol

from eventsourcing.domain import Aggregate


class Labelled(Protocol):
    """What the label events write on a member."""

    tags: list[str]
    is_staff: bool
    is_bot: bool


class TaggedEvent(Aggregate.Event):
    """A label was put on the member."""

    tag: str

    def apply(self, aggregate: Labelled) -> None:
        aggregate.tags = sorted({*aggregate.tags, self.tag})


class UntaggedEvent(Aggregate.Event):
    """A label was taken off the member."""

    tag: str

    def apply(self, aggregate: Labelled) -> None:
        aggregate.tags = [tag for tag in aggregate.tags if tag != self.tag]


class MarkedAsStaffEvent(Aggregate.Event):
    """The member works for the brand."""

    def apply(self, aggregate: Labelled) -> None:
        aggregate.is_staff = True


class UnmarkedAsStaffEvent(Aggregate.Event):
    """The member no longer counts as staff."""

    def apply(self, aggregate: Labelled) -> None:
        aggregate.is_staff = False


class MarkedAsBotEvent(Aggregate.Event):
    """The account is automated."""

    def apply(self, aggregate: Labelled) -> None:
        aggregate.is_bot = True


class UnmarkedAsBotEvent(Aggregate.Event):
    """The account is a person's."""

    def apply(self, aggregate: Labelled) -> None:
        aggregate.is_bot = False
