"""The consent desk: registering consent texts, and recording consent given or withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.members.community import Change, Community
from domain.consent import (
    ConsentPurpose,
    ConsentText,
    ConsentTextAlreadyRegistered,
    UnknownConsentText,
)
from domain.consent.commands import RegisterConsentText
from domain.errors import InvalidField, MemberNotFound
from domain.members.consents import Answer, GiveConsent, WithdrawConsent


@dataclass(frozen=True)
class TextChange:
    """A text just registered, and where its event landed in the log."""

    text: ConsentText
    position: int | None


class ConsentDesk:
    """Consent use cases as load, act, save through the Community (the one event store)."""

    def __init__(self, community: Community) -> None:
        self.community = community

    def register_text(self, command: RegisterConsentText) -> TextChange:
        """Register a version of a purpose's text, once: the same version again is refused."""
        self._check_recorder("registered_by", command.registered_by)
        text = ConsentText.register(
            purpose=command.purpose,
            version=command.version,
            text=command.text,
            registered_by=command.registered_by,
        )
        try:
            recordings = self.community.save(text)
        except IntegrityError:
            # Its id derives from (purpose, version): another registration holds it.
            raise ConsentTextAlreadyRegistered(command.purpose, command.version) from None
        return TextChange(text, recordings[-1].notification.id if recordings else None)

    def get_text(self, purpose: ConsentPurpose, version: str) -> ConsentText:
        """A registered text version; UnknownConsentText (naming text_version) if none."""
        try:
            found: Aggregate = self.community.repository.get(ConsentText.id_for(purpose, version))
        except AggregateNotFoundError:
            raise UnknownConsentText(purpose, version) from None
        if not isinstance(found, ConsentText):
            raise UnknownConsentText(purpose, version)
        return found

    def give(self, command: GiveConsent) -> Change:
        """Record that the member agreed to a purpose, shown a registered text version."""
        self._check_recorder("recorded_by", command.recorded_by)
        text = self.get_text(command.purpose, command.text_version)
        now = self.community.clock()
        answer = _answer(command, now, text=text, expires_at=command.expires_at)
        bounds = self.community.bounds
        return self.community.change_member(
            command, lambda m: m.give_consent(answer, now=now, bounds=bounds)
        )

    def withdraw(self, command: WithdrawConsent) -> Change:
        """Record that the member withdrew consent: one command, no text needed."""
        self._check_recorder("recorded_by", command.recorded_by)
        now = self.community.clock()
        answer = _answer(command, now)
        bounds = self.community.bounds
        return self.community.change_member(
            command, lambda m: m.withdraw_consent(answer, now=now, bounds=bounds)
        )

    def _check_recorder(self, field: str, member_id: UUID | None) -> None:
        """The staff member named as recorder exists, is not erased, and is staff."""
        if member_id is None:
            return
        try:
            member = self.community.get_member(member_id)
        except MemberNotFound:
            raise InvalidField(field, "no member has this id") from None
        if member.is_erased:
            raise InvalidField(field, "names an erased member")
        if not member.is_staff:
            raise InvalidField(field, "names a member who is not marked as staff")


def _answer(command: GiveConsent | WithdrawConsent, now: datetime, **proof: Any) -> Answer:
    """The answer a command records (at: now unless given); `proof` adds what giving needs."""
    return Answer(
        purpose=command.purpose,
        source=command.source,
        at=command.at or now,
        recorded_by=command.recorded_by,
        recorded_with=command.recorded_with,
        note=command.note,
        **proof,
    )
