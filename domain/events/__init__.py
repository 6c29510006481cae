"""Community events: meetups, webinars, talks, hackathons and AMAs; who registered, who came.

What other contexts may use of it is exported here.
"""

from domain.events.community_event import (
    CHECK_IN_GRACE,
    CommunityEvent,
    EventKind,
    EventStatus,
)
from domain.events.errors import (
    CheckInTooEarly,
    CommunityEventNotFound,
    EventAlreadyHeld,
    EventIsCancelled,
    EventModifiedConcurrently,
    EventVersionMismatch,
)
from domain.events.events import COMMUNITY_EVENT_CHANGES

__all__ = [
    "CHECK_IN_GRACE",
    "COMMUNITY_EVENT_CHANGES",
    "CheckInTooEarly",
    "CommunityEvent",
    "CommunityEventNotFound",
    "EventAlreadyHeld",
    "EventIsCancelled",
    "EventKind",
    "EventModifiedConcurrently",
    "EventStatus",
    "EventVersionMismatch",
]
