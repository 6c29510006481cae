"""The feedback desk: what the community manager and the product team do with feedback."""

from __future__ import annotations

from uuid import UUID

from application.feedback.ports import MemberSpoke
from application.feedback.saving import FeedbackChange, FeedbackStore
from application.members.community import Community
from domain.feedback import CanonicalIsDuplicate, FeedbackItem, FeedbackKind, HasDuplicates
from domain.feedback import commands as cmd

# Praise and criticism are interactions too: a quiet member who gives them comes back.
SPOKEN_KINDS = frozenset({FeedbackKind.PRAISE, FeedbackKind.CRITICISM})
# How many of an item's duplicates a refusal names.
NAMED_DUPLICATES = 5


class FeedbackDesk:
    """Feedback use cases as load, act, save through the Community (the one event store)."""

    def __init__(
        self,
        community: Community,
        spoke: MemberSpoke | None = None,
    ) -> None:
        self.store = FeedbackStore(community)
        self.community = community
        self.spoke = spoke

    def get_item(self, item_id: UUID) -> FeedbackItem:
        """The item's current state; FeedbackNotFound if no item has this id."""
        return self.store.item(item_id)

    def submit(self, command: cmd.SubmitFeedback) -> FeedbackChange:
        """Record new feedback from a member (or from staff on the member's behalf)."""
        self.store.members(command.author_id, command.submitted_by)
        if command.source_interaction_id is not None:
            self.store.check_source(command.source_interaction_id, command.author_id)
        now = self.community.clock()
        item = FeedbackItem.submit(
            author_id=command.author_id,
            submitted_by=command.submitted_by,
            channel=command.channel.value,
            kind=command.kind,
            text=command.text,
            source_url=command.source_url,
            source_interaction_id=command.source_interaction_id,
            product_area=command.product_area,
            submitted_at=command.submitted_at or now,
            now=now,
            bounds=self.community.bounds,
        )
        change = self.store.save(item)
        if self.spoke is not None and command.kind in SPOKEN_KINDS:
            self.spoke(item.author_id, item.channel, item.submitted_at)
        return change

    def triage(self, command: cmd.TriageFeedback) -> FeedbackChange:
        """Place the item: product area, priority, owning team."""
        return self.store.change(
            command,
            lambda item: item.triage(
                product_area=command.product_area, priority=command.priority, team=command.team
            ),
        )

    def respond(self, command: cmd.RespondToFeedback) -> FeedbackChange:
        """Record an answer; staff and bot flags come from the responder's own record."""
        responder = self.store.member(command.responder_id)
        now = self.community.clock()
        return self.store.change(
            command,
            lambda item: item.respond(
                responder_id=responder.id,
                channel=command.channel.value,
                responded_at=command.responded_at or now,
                now=now,
                by_staff=responder.is_staff,
                by_bot=responder.is_bot,
                bounds=self.community.bounds,
            ),
        )

    def support(self, command: cmd.SupportFeedback) -> FeedbackChange:
        """Count a member's support, once per member."""
        self.store.members(command.member_id)
        return self.store.change(
            command, lambda item: item.support(command.member_id, command.importance)
        )

    def withdraw_support(self, command: cmd.WithdrawFeedbackSupport) -> FeedbackChange:
        """Take a member's support back."""
        self.store.members(command.member_id)
        return self.store.change(command, lambda item: item.withdraw_support(command.member_id))

    def change_status(self, command: cmd.ChangeFeedbackStatus) -> FeedbackChange:
        """Move the item in the workflow; IllegalStatusChange names both statuses."""
        self.store.members(command.changed_by)
        return self.store.change(
            command,
            lambda item: item.change_status(
                command.status,
                changed_by=command.changed_by,
                reason=command.reason,
                notify_supporters=command.notify_supporters,
            ),
        )

    def mark_duplicate(self, command: cmd.MarkFeedbackDuplicate) -> FeedbackChange:
        """Say the item duplicates a canonical one; groups stay one level deep.

        Both items record the merge in one transaction, so two merges racing over one item
        collide, and the loser acts again on the winner's state.
        """
        self.store.members(command.marked_by)

        def merge(item: FeedbackItem) -> list[FeedbackItem]:
            if command.canonical_id == item.id:
                item.mark_duplicate(item.id, marked_by=command.marked_by)  # refused
            canonical = self.store.item(command.canonical_id)
            if canonical.duplicate_of is not None:
                raise CanonicalIsDuplicate(canonical.id, canonical.duplicate_of)
            if item.duplicates:
                raise HasDuplicates(item.id, sorted(item.duplicates)[:NAMED_DUPLICATES])
            item.mark_duplicate(canonical.id, marked_by=command.marked_by)
            canonical.attach_duplicate(item.id)
            return [canonical]

        return self.store.change_with(command, merge)

    def unmark_duplicate(self, command: cmd.UnmarkFeedbackDuplicate) -> FeedbackChange:
        """Let the item stand on its own again, exactly as its own events made it."""
        self.store.members(command.unmarked_by)

        def split(item: FeedbackItem) -> list[FeedbackItem]:
            canonical_id = item.duplicate_of
            item.unmark_duplicate(unmarked_by=command.unmarked_by)
            assert canonical_id is not None  # unmark refuses an item that is no duplicate
            canonical = self.store.item(canonical_id)
            canonical.detach_duplicate(item.id)
            return [canonical]

        return self.store.change_with(command, split)

    def link_tracker(self, command: cmd.LinkFeedbackToTracker) -> FeedbackChange:
        """Follow the item in an external tracker (the same link again records nothing)."""
        return self.store.change(command, lambda item: item.link_tracker(command.url, command.key))

    def unlink_tracker(self, command: cmd.UnlinkFeedbackFromTracker) -> FeedbackChange:
        """Stop following the item in an external tracker."""
        return self.store.change(command, lambda item: item.unlink_tracker())

    def close_loop(self, command: cmd.RecordFeedbackLoopClosed) -> FeedbackChange:
        """Record that a member who asked or supported was told of the outcome, once."""
        self.store.members(command.member_id, command.told_by)
        now = self.community.clock()
        told_at = command.told_at or now
        self.community.bounds.check("told_at", told_at, now)
        return self.store.change(
            command,
            lambda item: item.close_loop(
                command.member_id,
                channel=command.channel.value,
                told_at=told_at,
                told_by=command.told_by,
            ),
        )
