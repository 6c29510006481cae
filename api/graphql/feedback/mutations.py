"""Feedback mutations: each builds a command, runs it on the desk, and returns its result union."""

from __future__ import annotations

import strawberry

from api.auth import MANAGE_FEEDBACK, STEER_FEEDBACK
from api.graphql.context import Info
from api.graphql.feedback import inputs as i
from api.graphql.feedback import payloads as p
from api.graphql.feedback.execute import changed, execute, group_conflict, status_conflict
from application.feedback.desk import FeedbackDesk
from application.feedback.saving import FeedbackChange
from domain.feedback import CanonicalIsDuplicate, HasDuplicates, IllegalStatusChange
from domain.feedback import commands as cmd


@strawberry.type
class FeedbackMutation:
    """Mutations of the feedback context."""

    @strawberry.mutation(
        description="Record feedback a member gave (or staff recorded for them). Praise and "
        "criticism also count as the author's interactions."
    )
    async def submit_feedback(
        self, info: Info, input: i.SubmitFeedbackInput
    ) -> p.SubmitFeedbackResult:
        def build() -> cmd.SubmitFeedback:
            return cmd.SubmitFeedback(
                author_id=input.author_id,
                submitted_by=input.submitted_by,
                channel=input.channel,
                kind=input.kind,
                text=input.text,
                source_url=input.source_url,
                source_interaction_id=input.source_interaction_id,
                product_area=input.product_area,
                submitted_at=input.submitted_at,
            )

        outcome = await execute(
            info, MANAGE_FEEDBACK, "submit feedback", build, FeedbackDesk.submit
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackSubmitted(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(description="Place an item: product area, priority and owning team.")
    async def triage_feedback(
        self, info: Info, input: i.TriageFeedbackInput
    ) -> p.TriageFeedbackResult:
        def build() -> cmd.TriageFeedback:
            return cmd.TriageFeedback(
                item_id=input.item_id,
                expected_version=input.expected_version,
                product_area=input.product_area,
                priority=input.priority,
                team=input.team,
            )

        outcome = await execute(info, STEER_FEEDBACK, "triage feedback", build, FeedbackDesk.triage)
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackTriaged(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Record an answer. The first by someone other than the author, and not "
        "a bot, sets the time to first response."
    )
    async def respond_to_feedback(
        self, info: Info, input: i.RespondToFeedbackInput
    ) -> p.RespondToFeedbackResult:
        def build() -> cmd.RespondToFeedback:
            return cmd.RespondToFeedback(
                item_id=input.item_id,
                expected_version=input.expected_version,
                responder_id=input.responder_id,
                channel=input.channel,
                responded_at=input.responded_at,
            )

        outcome = await execute(
            info, MANAGE_FEEDBACK, "answer feedback", build, FeedbackDesk.respond
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackRespondedTo(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(description="Count a member's support (+1), once per member.")
    async def support_feedback(
        self, info: Info, input: i.SupportFeedbackInput
    ) -> p.SupportFeedbackResult:
        def build() -> cmd.SupportFeedback:
            return cmd.SupportFeedback(
                item_id=input.item_id,
                expected_version=input.expected_version,
                member_id=input.member_id,
                importance=input.importance,
            )

        outcome = await execute(
            info, MANAGE_FEEDBACK, "record support", build, FeedbackDesk.support
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackSupported(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(description="Take a member's support back.")
    async def withdraw_feedback_support(
        self, info: Info, input: i.WithdrawFeedbackSupportInput
    ) -> p.WithdrawFeedbackSupportResult:
        def build() -> cmd.WithdrawFeedbackSupport:
            return cmd.WithdrawFeedbackSupport(
                item_id=input.item_id,
                expected_version=input.expected_version,
                member_id=input.member_id,
            )

        outcome = await execute(
            info, MANAGE_FEEDBACK, "withdraw support", build, FeedbackDesk.withdraw_support
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackSupportWithdrawn(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Move an item in the workflow: OPEN, UNDER_REVIEW, PLANNED, IN_PROGRESS, "
        "SHIPPED one step at a time; DECLINED or ANSWERED from any open status; a closed item "
        "may be reopened. Any other move is a FeedbackStatusConflict naming both statuses."
    )
    async def change_feedback_status(
        self, info: Info, input: i.ChangeFeedbackStatusInput
    ) -> p.ChangeFeedbackStatusResult:
        def build() -> cmd.ChangeFeedbackStatus:
            return cmd.ChangeFeedbackStatus(
                item_id=input.item_id,
                expected_version=input.expected_version,
                status=input.status,
                changed_by=input.changed_by,
                reason=input.reason,
                notify_supporters=input.notify_supporters,
            )

        def handle(
            desk: FeedbackDesk, command: cmd.ChangeFeedbackStatus
        ) -> FeedbackChange | IllegalStatusChange:
            try:
                return desk.change_status(command)
            except IllegalStatusChange as error:
                return error

        outcome = await execute(info, STEER_FEEDBACK, "change feedback status", build, handle)
        if isinstance(outcome, IllegalStatusChange):
            return status_conflict(outcome)
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackStatusChanged(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Mark an item as a duplicate of a canonical one. Nothing is copied: the "
        "canonical item counts the group's unique members, and unmarking restores both."
    )
    async def mark_feedback_duplicate(
        self, info: Info, input: i.MarkFeedbackDuplicateInput
    ) -> p.MarkFeedbackDuplicateResult:
        def build() -> cmd.MarkFeedbackDuplicate:
            return cmd.MarkFeedbackDuplicate(
                item_id=input.item_id,
                expected_version=input.expected_version,
                canonical_id=input.canonical_id,
                marked_by=input.marked_by,
            )

        def handle(
            desk: FeedbackDesk, command: cmd.MarkFeedbackDuplicate
        ) -> FeedbackChange | CanonicalIsDuplicate | HasDuplicates:
            try:
                return desk.mark_duplicate(command)
            except (CanonicalIsDuplicate, HasDuplicates) as error:
                return error

        outcome = await execute(info, MANAGE_FEEDBACK, "mark duplicates", build, handle)
        if isinstance(outcome, CanonicalIsDuplicate | HasDuplicates):
            return group_conflict(outcome)
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackMarkedDuplicate(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(description="Let a duplicate stand on its own again, as if never merged.")
    async def unmark_feedback_duplicate(
        self, info: Info, input: i.UnmarkFeedbackDuplicateInput
    ) -> p.UnmarkFeedbackDuplicateResult:
        def build() -> cmd.UnmarkFeedbackDuplicate:
            return cmd.UnmarkFeedbackDuplicate(
                item_id=input.item_id,
                expected_version=input.expected_version,
                unmarked_by=input.unmarked_by,
            )

        outcome = await execute(
            info, MANAGE_FEEDBACK, "unmark duplicates", build, FeedbackDesk.unmark_duplicate
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackUnmarkedDuplicate(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(description="Link an item to its issue in an external tracker.")
    async def link_feedback_to_tracker(
        self, info: Info, input: i.LinkFeedbackToTrackerInput
    ) -> p.LinkFeedbackToTrackerResult:
        def build() -> cmd.LinkFeedbackToTracker:
            return cmd.LinkFeedbackToTracker(
                item_id=input.item_id,
                expected_version=input.expected_version,
                url=input.url,
                key=input.key,
            )

        outcome = await execute(
            info, STEER_FEEDBACK, "link trackers", build, FeedbackDesk.link_tracker
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackLinkedToTracker(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(description="Remove an item's link to an external tracker.")
    async def unlink_feedback_from_tracker(
        self, info: Info, input: i.UnlinkFeedbackFromTrackerInput
    ) -> p.UnlinkFeedbackFromTrackerResult:
        def build() -> cmd.UnlinkFeedbackFromTracker:
            return cmd.UnlinkFeedbackFromTracker(
                item_id=input.item_id, expected_version=input.expected_version
            )

        outcome = await execute(
            info, STEER_FEEDBACK, "unlink trackers", build, FeedbackDesk.unlink_tracker
        )
        if isinstance(outcome, FeedbackChange):
            return p.FeedbackUnlinkedFromTracker(**await changed(info, outcome))
        return outcome

    @strawberry.mutation(
        description="Record that the author or a supporter was told of the outcome; once per "
        "member (again: alreadyTold, nothing recorded)."
    )
    async def record_feedback_loop_closed(
        self, info: Info, input: i.RecordFeedbackLoopClosedInput
    ) -> p.RecordFeedbackLoopClosedResult:
        def build() -> cmd.RecordFeedbackLoopClosed:
            return cmd.RecordFeedbackLoopClosed(
                item_id=input.item_id,
                expected_version=input.expected_version,
                member_id=input.member_id,
                channel=input.channel,
                told_by=input.told_by,
                told_at=input.told_at,
            )

        outcome = await execute(
            info, MANAGE_FEEDBACK, "close feedback loops", build, FeedbackDesk.close_loop
        )
        if isinstance(outcome, FeedbackChange):
            fields = await changed(info, outcome)
            return p.FeedbackLoopClosed(**fields, already_told=outcome.position is None)
        return outcome
