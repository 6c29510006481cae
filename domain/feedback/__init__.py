"""Feedback: what members say (praise, criticism, questions, requests) and what became of it.

What other contexts may use of it is exported here.
"""

from domain.feedback.item import FeedbackConflict, FeedbackItem
from domain.feedback.workflow import (
    FeedbackKind,
    FeedbackStatus,
    IllegalStatusChange,
    Importance,
    Priority,
)

__all__ = [
    "FeedbackConflict",
    "FeedbackItem",
    "FeedbackKind",
    "FeedbackStatus",
    "IllegalStatusChange",
    "Importance",
    "Priority",
]
