"""Typed refusals of the feedback context, beyond the workflow's IllegalStatusChange."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.errors import ConcurrentModification, DomainError, VersionMismatch
from domain.feedback.item import FeedbackConflict


class FeedbackNotFound(DomainError):
    """No feedback item has this id."""

    code = "FEEDBACK_NOT_FOUND"

    def __init__(self, item_id: UUID) -> None:
        super().__init__(f"no feedback item with id {item_id}")
        self.item_id = item_id


class CanonicalIsDuplicate(FeedbackConflict):
    """Groups are one level deep: mark against the canonical item of a duplicate instead."""

    code = "CANONICAL_IS_DUPLICATE"

    def __init__(self, item_id: UUID, canonical_id: UUID) -> None:
        super().__init__(
            f"feedback {item_id} is itself a duplicate of {canonical_id}: "
            f"mark against {canonical_id}"
        )
        self.item_id = item_id
        self.canonical_id = canonical_id


class HasDuplicates(FeedbackConflict):
    """Groups are one level deep: an item others name as canonical cannot become a duplicate."""

    code = "FEEDBACK_HAS_DUPLICATES"

    def __init__(self, item_id: UUID, duplicate_ids: Sequence[UUID]) -> None:
        named = ", ".join(str(i) for i in duplicate_ids)
        super().__init__(f"feedback {item_id} is the canonical item of {named}: unmark those first")
        self.item_id = item_id
        self.duplicate_ids = list(duplicate_ids)


class FeedbackVersionMismatch(VersionMismatch):
    """The caller edited a version of the item that is no longer current."""

    def __init__(self, item_id: UUID, expected: int, actual: int) -> None:
        super().__init__(item_id, expected, actual)
        self.args = (
            f"feedback {item_id} is at version {actual}, not {expected}: reload and retry",
        )
        self.item_id = item_id


class FeedbackModifiedConcurrently(ConcurrentModification):
    """Other writers kept changing the item while this command retried."""

    def __init__(self, item_id: UUID) -> None:
        super().__init__(item_id)
        self.args = (f"feedback {item_id} is being changed concurrently: retry later",)
        self.item_id = item_id
