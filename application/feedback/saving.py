"""Loading and saving feedback items through the Community: load, act, save, with retries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.crypto import SubjectErased
from application.members.community import Community
from domain.errors import InvalidField, MemberIsErased
from domain.feedback import (
    FeedbackItem,
    FeedbackModifiedConcurrently,
    FeedbackNotFound,
    FeedbackVersionMismatch,
)
from domain.feedback.commands import FeedbackCommand
from domain.interactions.interaction import Interaction
from domain.members.member import Member

# A command is retried this often when another writer saved the same item first, after a
# short random pause so that the writers do not collide again in step (as for members).
MAX_ATTEMPTS = 10
RETRY_PAUSE_SECONDS = 0.005


@dataclass(frozen=True)
class FeedbackChange:
    """The outcome of a command: the item after it, and where its last event landed.

    `position` is None when nothing needed recording (a loop already closed, the same link).
    """

    item: FeedbackItem
    position: int | None


class FeedbackStore:
    """Feedback items and the members they name, read from and written to the one event store."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def item(self, item_id: UUID) -> FeedbackItem:
        """The item's current state, replayed from its events."""
        try:
            item: Aggregate = self.community.repository.get(item_id)
        except AggregateNotFoundError:
            raise FeedbackNotFound(item_id) from None
        if not isinstance(item, FeedbackItem):
            raise FeedbackNotFound(item_id)
        return item

    def member(self, member_id: UUID) -> Member:
        """A member the command names: it must exist and not be erased."""
        member = self.community.get_member(member_id)
        if member.is_erased:
            raise MemberIsErased(member_id)
        return member

    def check_source(self, interaction_id: UUID, author_id: UUID) -> None:
        """Feedback taken from an interaction names one of its author's (it counted then)."""
        try:
            found: Aggregate = self.community.repository.get(interaction_id)
        except AggregateNotFoundError:
            raise InvalidField("source_interaction_id", "no interaction has this id") from None
        if not isinstance(found, Interaction):
            raise InvalidField("source_interaction_id", "no interaction has this id")
        if found.member_id != author_id:
            raise InvalidField("source_interaction_id", "is an interaction of another member")

    def members(self, *member_ids: UUID | None) -> None:
        """Check every member named (None: not named): MemberNotFound or MemberIsErased."""
        for member_id in dict.fromkeys(m for m in member_ids if m is not None):
            self.member(member_id)

    def save(self, item: FeedbackItem, *others: FeedbackItem) -> FeedbackChange:
        """Record the item's pending events, and those of `others`, in one transaction."""
        try:
            recordings = self.community.save(item, *others)
        except SubjectErased:
            # The author was erased between the check and the save: their key is gone.
            raise MemberIsErased(item.author_id) from None
        position = recordings[-1].notification.id if recordings else None
        return FeedbackChange(item, position)

    def change(
        self, command: FeedbackCommand, act: Callable[[FeedbackItem], Any]
    ) -> FeedbackChange:
        """Load, act, save; act again on the new state if another writer saved first."""

        def alone(item: FeedbackItem) -> list[FeedbackItem]:
            act(item)
            return []

        return self.change_with(command, alone)

    def change_with(
        self, command: FeedbackCommand, act: Callable[[FeedbackItem], list[FeedbackItem]]
    ) -> FeedbackChange:
        """As `change`, where acting on the item also changes the other items it returns:
        all are saved together, and a concurrent writer to any of them makes it act again."""
        expected = command.expected_version
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, RETRY_PAUSE_SECONDS * attempt))
            item = self.item(command.item_id)
            if expected is not None and item.version != expected:
                raise FeedbackVersionMismatch(item.id, expected, item.version)
            others = act(item)
            try:
                return self.save(item, *others)
            except IntegrityError:
                # Another writer saved this item first: the caller's version is stale.
                if expected is not None:
                    current = self.item(item.id).version
                    raise FeedbackVersionMismatch(item.id, expected, current) from None
        raise FeedbackModifiedConcurrently(command.item_id)
