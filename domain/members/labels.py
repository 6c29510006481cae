"""A member's labels: tags a manager puts on them, and whether they are staff or a bot.

Staff and bots are left out of every community metric; tags (speaker, beta-tester, ...)
are free labels. Member (domain/members/member.py) records these events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from eventsourcing.domain import Aggregate

from domain.members.recorder import Recorder


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


class LabelCommands(Recorder):
    """Member's commands on its labels; setting what is already there records nothing."""

    tags: list[str]
    is_staff: bool
    is_bot: bool
    if TYPE_CHECKING:  # Member declares the events, each with its pinned topic
        Tagged: ClassVar[type[TaggedEvent]]
        Untagged: ClassVar[type[UntaggedEvent]]
        MarkedAsStaff: ClassVar[type[MarkedAsStaffEvent]]
        UnmarkedAsStaff: ClassVar[type[UnmarkedAsStaffEvent]]
        MarkedAsBot: ClassVar[type[MarkedAsBotEvent]]
        UnmarkedAsBot: ClassVar[type[UnmarkedAsBotEvent]]

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
