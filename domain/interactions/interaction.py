"""Interactions: what a member did on a channel, recorded once per source event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from hashlib import sha1
from typing import ClassVar, TypedDict, Unpack, dataclass_transform
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.moments import DEFAULT_BOUNDS, TimeBounds

# Fixed forever: interaction ids derive from it, and idempotency depends on them.
INTERACTION_NAMESPACE = UUID("5b0d6c2e-1f4a-4e8f-9a57-0c2b7d9e4f31")


class InteractionKind(StrEnum):
    """What a member did; weights per kind live in the engagement rule."""

    MESSAGE = "message"
    POST = "post"
    REPLY = "reply"
    ANSWER_ACCEPTED = "answer_accepted"
    REACTION_GIVEN = "reaction_given"
    REACTION_RECEIVED = "reaction_received"
    PULL_REQUEST = "pull_request"
    ISSUE = "issue"
    EVENT_ATTENDED = "event_attended"
    CONTENT_SHARED = "content_shared"
    REFERRAL = "referral"
    SUPPORT_REQUEST = "support_request"
    # Ambassador activity: a talk given, an event hosted (with content shared and referrals).
    TALK_GIVEN = "talk_given"
    EVENT_HOSTED = "event_hosted"
    # Praise or criticism given as feedback: the FeedbackItem is the one record of it.
    FEEDBACK = "feedback"


_NAMESPACE_HASH = sha1(INTERACTION_NAMESPACE.bytes, usedforsecurity=False)


def interaction_id(channel: str, external_id: str) -> UUID:
    """The id of an interaction: the same (channel, external id) always gives the same id.

    It is uuid5(INTERACTION_NAMESPACE, channel NUL external id), with the namespace's
    share of the hash computed once: bulk imports derive millions of these.
    """
    digest = _NAMESPACE_HASH.copy()
    digest.update(f"{channel}\x00{external_id}".encode())
    return UUID(bytes=digest.digest()[:16], version=5)


class RecordedFields(TypedDict):
    """What a recorded interaction holds: the fields of Interaction.Recorded."""

    member_id: UUID
    channel: str
    kind: str
    occurred_at: datetime
    external_id: str
    thread_ref: str | None
    url: str | None
    summary: str | None


class Interaction(Aggregate):
    """One recorded interaction; its id makes recording it twice impossible."""

    TOPIC = "crm.interaction.Interaction"

    # eventsourcing's event metaclass turns every event class into a frozen dataclass; this
    # tells the type checker so, so that recorded_event() below has a checked constructor.
    @dataclass_transform(frozen_default=True)
    class Event(Aggregate.Event):
        """Base of interaction events; personal fields are sealed under the member's key."""

        PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ()
        PERSONAL_SUBJECT: ClassVar[str] = "member_id"

    class Created(Event, Aggregate.Created):
        """The library's default creation event; pinned so that its topic never moves."""

        TOPIC = "crm.interaction.Created"

    class Recorded(Event, Aggregate.Created):
        """The member did something on a channel, at occurred_at (which may be long ago)."""

        TOPIC = "crm.interaction.Recorded"
        PERSONAL_FIELDS = ("url", "summary")
        member_id: UUID
        channel: str
        kind: str
        occurred_at: datetime
        external_id: str
        thread_ref: str | None
        url: str | None
        summary: str | None

    def __init__(
        self,
        member_id: UUID,
        channel: str,
        kind: str,
        occurred_at: datetime,
        external_id: str,
        thread_ref: str | None,
        url: str | None,
        summary: str | None,
    ) -> None:
        self.member_id = member_id
        self.channel = channel
        self.kind = kind
        self.occurred_at = occurred_at
        self.external_id = external_id
        self.thread_ref = thread_ref
        self.url = url
        self.summary = summary

    @classmethod
    def record(
        cls, *, now: datetime, bounds: TimeBounds = DEFAULT_BOUNDS, **fields: Unpack[RecordedFields]
    ) -> Interaction:
        """Record an interaction; it may be in the past, within the bounds."""
        event = cls.recorded_event(now=now, bounds=bounds, **fields)
        interaction = event.mutate(None)
        assert isinstance(interaction, cls)
        interaction.pending_events.append(event)
        return interaction

    @classmethod
    def recorded_event(
        cls, *, now: datetime, bounds: TimeBounds = DEFAULT_BOUNDS, **fields: Unpack[RecordedFields]
    ) -> Interaction.Recorded:
        """The event record() would make, without the aggregate object: for bulk paths.

        An interaction is never changed after it is recorded, so writers of many need only
        its one event; building an aggregate around each costs more than the rest.
        """
        bounds.check("occurred_at", fields["occurred_at"], now)
        return cls.Recorded(
            originator_topic=cls.TOPIC,
            originator_id=interaction_id(fields["channel"], fields["external_id"]),
            originator_version=cls.INITIAL_VERSION,
            timestamp=cls.Recorded.create_timestamp(),
            **fields,
        )
