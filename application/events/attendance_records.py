"""Attendance as interactions: what a check-in (and the hosting) adds to engagement."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from domain.events import CommunityEvent
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import InteractionKind
from domain.values import Channel


def attendance_id(event_id: UUID, member_id: UUID) -> str:
    """The interaction's external id: one attendance per member and event, ever."""
    return f"event:{event_id}:{member_id}"


def attendance_records(
    event: CommunityEvent, member_ids: Iterable[UUID], now: datetime
) -> list[RecordInteraction]:
    """The interactions of these checked-in members, and of the event's hosts once it took
    place: hosts get EVENT_HOSTED (at the start), everyone else EVENT_ATTENDED (on arrival).

    No thread: an event is not a discussion (threads feed the top discussions).
    """
    if not event.check_ins:
        return []
    channel = Channel(event.channel) if event.channel else Channel.OTHER
    hosted_at = min(event.starts_at, now)
    moments = {m: event.check_ins[m] for m in member_ids if m in event.check_ins}
    moments.update({host: event.check_ins.get(host, hosted_at) for host in event.host_ids})
    return [
        RecordInteraction(
            member_id=member_id,
            channel=channel,
            kind=(
                InteractionKind.EVENT_HOSTED
                if member_id in event.host_ids
                else InteractionKind.EVENT_ATTENDED
            ),
            occurred_at=at,
            external_id=attendance_id(event.id, member_id),
        )
        for member_id, at in moments.items()
    ]
