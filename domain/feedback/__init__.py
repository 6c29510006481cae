"""Feedback: what members say (praise, criticism, questions, requests) and what became of it.

What other contexts may use of it is exported here.
"""

from domain.feedback.errors import (
    CanonicalIsDuplicate,
    FeedbackModifiedConcurrently,
    FeedbackNotFound,
    FeedbackVersionMismatch,
    HasDuplicates,
)
from domain.feedback.item import FeedbackConflict, FeedbackItem
from domain.feedback.workflow import (
    FeedbackKind,
    FeedbackStatus,
    IllegalStatusChange,
    Importance,
    Priority,
)

__all__ = [
    "CanonicalIsDuplicate",
    "FeedbackModifiedConcurrently",
    "FeedbackNotFound",
    "FeedbackVersionMismatch",
    "HasDuplicates",
    "FeedbackConflict",
    "FeedbackItem",
    "FeedbackKind",
    "FeedbackStatus",
    "IllegalStatusChange",
    "Importance",
    "Priority",
]
