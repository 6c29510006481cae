"""Praise and criticism read as the interactions they also are, from the feedback event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.feedback.events import Submitted as FeedbackSubmitted
from domain.feedback.workflow import FeedbackKind
from domain.interactions.interaction import Interaction, InteractionKind

# Praise and criticism are things a member did: they count towards engagement from the
# feedback event itself, never recorded twice. Feedback taken from an interaction already
# recorded (it names its source interaction) counted then.
_ENGAGING_FEEDBACK = frozenset({FeedbackKind.PRAISE.value, FeedbackKind.CRITICISM.value})


@dataclass(frozen=True)
class _FeedbackInteraction:
    """A feedback item read as the interaction it also is (the item's id is its id)."""

    originator_id: UUID
    member_id: UUID
    channel: str
    occurred_at: datetime
    timestamp: datetime
    kind: str = InteractionKind.FEEDBACK.value
    url: None = None
    summary: None = None
    thread_ref: None = None

    @property
    def external_id(self) -> str:
        """Unique among the channel's ids: no platform id looks like this."""
        return f"feedback:{self.originator_id}"


def interactions_of(events: Sequence[Any]) -> list[Any]:
    """The page's interactions, praise and criticism included, in log order."""
    found: list[Any] = []
    for event in events:
        if type(event) is Interaction.Recorded:
            found.append(event)
        elif type(event) is FeedbackSubmitted and _engages(event):
            found.append(
                _FeedbackInteraction(
                    event.originator_id,
                    event.author_id,
                    event.channel,
                    event.submitted_at,
                    event.timestamp,
                )
            )
    return found


def _engages(event: FeedbackSubmitted) -> bool:
    return event.kind in _ENGAGING_FEEDBACK and event.source_interaction_id is None
