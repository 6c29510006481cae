"""The feedback context's GraphQL enums: the domain's own, described for clients."""

from __future__ import annotations

import strawberry

from domain.feedback.workflow import FeedbackKind, FeedbackStatus, Importance, Priority
from projections.feedback.rows import ChangeKind

FeedbackKindEnum = strawberry.enum(
    FeedbackKind,
    name="FeedbackKind",
    description="What a member said: praise, criticism, a question, a bug, a request, an idea.",
)
FeedbackStatusEnum = strawberry.enum(
    FeedbackStatus,
    name="FeedbackStatus",
    description=(
        "Where an item is: OPEN, UNDER_REVIEW, PLANNED, IN_PROGRESS, SHIPPED one step at a "
        "time; DECLINED or ANSWERED from any open status; a closed item may be reopened."
    ),
)
ImportanceEnum = strawberry.enum(
    Importance,
    name="SupportImportance",
    description="How much an item matters to a member who supports it.",
)
PriorityEnum = strawberry.enum(
    Priority,
    name="FeedbackPriority",
    description="How soon the product team means to look at an item; targets are per priority.",
)
ChangeKindEnum = strawberry.enum(
    ChangeKind,
    name="FeedbackChangeKind",
    description="What changed about an item, in its history and in the change feed.",
)
