"""The follow-up tasks' LinkedRecords port, filled from the feedback and program desks.

Wired in the composition root (api/bootstrap.py): the outreach context does not import
the feedback or ambassador contexts' use cases.
"""

from __future__ import annotations

from uuid import UUID

from application.ambassadors.program import ProgramDesk
from application.feedback.desk import FeedbackDesk
from domain.feedback import FeedbackNotFound
from domain.outreach.task_errors import LinkedRecordNotFound
from domain.outreach.task_moves import TaskLinkKind


class DeskLinks:
    """Feedback items and ambassador nominations, looked up through their desks."""

    def __init__(self, feedback: FeedbackDesk, program: ProgramDesk) -> None:
        self.feedback = feedback
        self.program = program

    def feedback_author(self, item_id: UUID) -> UUID:
        """The item's author; LinkedRecordNotFound if no item has this id."""
        try:
            return self.feedback.get_item(item_id).author_id
        except FeedbackNotFound:
            raise LinkedRecordNotFound(TaskLinkKind.FEEDBACK_ITEM, item_id) from None

    def nominated_member(self, member_id: UUID) -> UUID:
        """The member, if ever nominated; LinkedRecordNotFound otherwise."""
        found = self.program.get(member_id)
        if found is None or found.status is None:
            raise LinkedRecordNotFound(TaskLinkKind.AMBASSADOR_NOMINATION, member_id)
        return member_id
