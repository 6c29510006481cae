"""Consent given and withdrawn, as the member's own events: their fields and their checks.

Member (domain/members/member.py) records them; the rules of whether consent holds are
the consent context's (domain/consent). Withdrawing needs no text and is one command,
as easy as giving (GDPR Art. 7(3)), and is recorded even with no consent on record: the
member said no, and that answer is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.commands import AwareDatetime
from domain.consent import (
    ConsentPurpose,
    ConsentSource,
    ConsentText,
    UnknownConsentText,
    check_expiry,
)
from domain.consent.commands import Note, Version
from domain.members.commands import MemberCommand
from domain.members.recorder import Recorder
from domain.moments import DEFAULT_BOUNDS, TimeBounds


class ConsentEvent(Aggregate.Event):
    """Fields of both consent events (Member.ConsentGiven and Member.ConsentWithdrawn)."""

    # Free text about a person: sealed under the member's key, erased with it.
    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("note",)
    purpose: str
    source: str
    at: datetime  # when the member gave or withdrew it
    recorded_by: UUID | None  # the staff member who recorded it; None from a form
    recorded_with: UUID | None  # the API key that recorded it, if through the API
    note: str | None


class ConsentGivenEvent(ConsentEvent):
    """Consent given: the proof adds the wording shown (version and digest) and any expiry."""

    text_version: str
    text_sha256: str
    expires_at: datetime | None


class ConsentWithdrawnEvent(ConsentEvent):
    """Consent withdrawn: no text is needed to say no."""


class GiveConsent(MemberCommand):
    """Record that the member agreed to a purpose, shown the given version of its text."""

    purpose: ConsentPurpose
    text_version: Version
    source: ConsentSource
    at: AwareDatetime = None
    expires_at: AwareDatetime = None
    recorded_by: UUID | None = None
    recorded_with: UUID | None = None
    note: Note = None


class WithdrawConsent(MemberCommand):
    """Record that the member withdrew consent to a purpose."""

    purpose: ConsentPurpose
    source: ConsentSource
    at: AwareDatetime = None
    recorded_by: UUID | None = None
    recorded_with: UUID | None = None
    note: Note = None


@dataclass(frozen=True)
class Answer:
    """A member's answer on one purpose as it is to be recorded (the text: when given)."""

    purpose: ConsentPurpose
    source: ConsentSource
    at: datetime
    recorded_by: UUID | None = None
    recorded_with: UUID | None = None
    note: str | None = None
    text: ConsentText | None = None
    expires_at: datetime | None = None


def given(answer: Answer, *, now: datetime, bounds: TimeBounds) -> dict[str, Any]:
    """The ConsentGiven fields: to a registered text of the purpose, in bounds, expiring
    after it was given."""
    text = answer.text
    if text is None or text.purpose is not answer.purpose:
        raise UnknownConsentText(answer.purpose, text.text_version if text else "(none)")
    bounds.check("at", answer.at, now)
    check_expiry(answer.expires_at, answer.at)
    return {
        **_common(answer),
        "text_version": text.text_version,
        "text_sha256": text.sha256,
        "expires_at": answer.expires_at,
    }


def withdrawn(answer: Answer, *, now: datetime, bounds: TimeBounds) -> dict[str, Any]:
    """The ConsentWithdrawn fields: a moment in bounds is all it needs."""
    bounds.check("at", answer.at, now)
    return _common(answer)


def _common(answer: Answer) -> dict[str, Any]:
    return {
        "purpose": answer.purpose.value,
        "source": answer.source.value,
        "at": answer.at,
        "recorded_by": answer.recorded_by,
        "recorded_with": answer.recorded_with,
        "note": answer.note,
    }


class ConsentCommands(Recorder):
    """Member's commands on its consents, refused once the member is erased."""

    if TYPE_CHECKING:  # Member declares the events, each with its pinned topic
        ConsentGiven: ClassVar[type[ConsentGivenEvent]]
        ConsentWithdrawn: ClassVar[type[ConsentWithdrawnEvent]]

    def give_consent(
        self, answer: Answer, *, now: datetime, bounds: TimeBounds = DEFAULT_BOUNDS
    ) -> None:
        """Record consent given to a registered text."""
        self._refuse_if_erased()
        self.trigger_event(self.ConsentGiven, **given(answer, now=now, bounds=bounds))

    def withdraw_consent(
        self, answer: Answer, *, now: datetime, bounds: TimeBounds = DEFAULT_BOUNDS
    ) -> None:
        """Record consent withdrawn, whatever was on record before: the member said no."""
        self._refuse_if_erased()
        self.trigger_event(self.ConsentWithdrawn, **withdrawn(answer, now=now, bounds=bounds))
