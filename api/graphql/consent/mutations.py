"""Consent mutations: register a text version, record consent given or withdrawn.

Recording consent is the community manager's (the roles that run the program); the API
key that records it is kept in the event with the optional staff member named.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import strawberry

from api.auth import MANAGE_PROGRAM
from api.graphql.commands import attempt
from api.graphql.consent import inputs as i
from api.graphql.consent import payloads as p
from api.graphql.consent.types import consent_after, text_of
from api.graphql.context import Info
from api.graphql.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
    domain_error,
    forbidden,
)
from api.services import in_thread
from application.consent.desk import ConsentDesk, TextChange
from application.members.community import Change
from domain.commands import Command
from domain.consent import ConsentPurpose, ConsentTextAlreadyRegistered
from domain.consent.commands import RegisterConsentText
from domain.members.consents import GiveConsent, WithdrawConsent
from projections.consent.projection import ConsentProjection

C = TypeVar("C", bound=Command)
R = TypeVar("R")


async def _execute(
    info: Info, action: str, build: Callable[[], C], handle: Callable[[ConsentDesk, C], R]
) -> R | ValidationFailed | NotFound | Conflict | Forbidden:
    """Run a consent command as a role that runs the program; a typed error if refused."""
    if not info.context.principal.can_manage_program:
        return forbidden(action, MANAGE_PROGRAM)
    desk = info.context.services.use_cases.consent
    return await attempt(build, partial(handle, desk), refused=domain_error)


def _register(
    desk: ConsentDesk, command: RegisterConsentText
) -> TextChange | p.ConsentTextAlreadyRegistered:
    try:
        return desk.register_text(command)
    except ConsentTextAlreadyRegistered as error:
        return p.ConsentTextAlreadyRegistered(
            message=str(error), code=error.code, purpose=error.purpose, version=error.version
        )


@strawberry.type
class ConsentMutation:
    """Mutations of the consent context."""

    @strawberry.mutation(
        description="Register a version of the wording members are shown for a purpose. "
        "A version is registered once and never changes: new wording is a new version."
    )
    async def register_consent_text(
        self, info: Info, input: i.RegisterConsentTextInput
    ) -> p.RegisterConsentTextResult:
        def build() -> RegisterConsentText:
            return RegisterConsentText(
                purpose=input.purpose,
                version=input.version,
                text=input.text,
                registered_by=input.registered_by,
            )

        outcome = await _execute(info, "register consent texts", build, _register)
        if not isinstance(outcome, TextChange):
            return outcome
        # Read-your-writes: consentTexts lists it once this returns.
        services = info.context.services
        await in_thread(services.wait_for, ConsentProjection.name, outcome.position)
        return p.ConsentTextRegistered(text=text_of(outcome.text))

    @strawberry.mutation(
        description="Record that a member agreed to a purpose, shown a registered version of "
        "its text. The member's latest answer per purpose wins."
    )
    async def give_consent(self, info: Info, input: i.GiveConsentInput) -> p.GiveConsentResult:
        answer = _answer(info, input)

        def build() -> GiveConsent:
            return GiveConsent(
                **answer, text_version=input.text_version, expires_at=input.expires_at
            )

        outcome = await _execute(info, "record consent", build, ConsentDesk.give)
        if isinstance(outcome, Change):
            return p.ConsentGiven(**await _changed(info, outcome, input.purpose))
        return outcome

    @strawberry.mutation(
        description="Record that a member withdrew consent to a purpose: one step, no text "
        "needed, recorded even when no consent was on record."
    )
    async def withdraw_consent(
        self, info: Info, input: i.WithdrawConsentInput
    ) -> p.WithdrawConsentResult:
        answer = _answer(info, input)

        def build() -> WithdrawConsent:
            return WithdrawConsent(**answer)

        outcome = await _execute(info, "record consent", build, ConsentDesk.withdraw)
        if isinstance(outcome, Change):
            return p.ConsentWithdrawn(**await _changed(info, outcome, input.purpose))
        return outcome


def _answer(info: Info, input: i.GiveConsentInput | i.WithdrawConsentInput) -> dict[str, Any]:
    """The fields both consent commands take; the caller's API key is the recorder."""
    return {
        "member_id": input.member_id,
        "purpose": input.purpose,
        "source": input.source,
        "at": input.at,
        "recorded_by": input.recorded_by,
        "recorded_with": info.context.principal.key_id,
        "note": input.note,
    }


async def _changed(info: Info, change: Change, purpose: ConsentPurpose) -> dict[str, Any]:
    """The success type's fields: the member's consent to the purpose after the change."""
    member_id = change.member.id
    consent = await consent_after(info, member_id, purpose, change.position)
    return {
        "member_id": strawberry.ID(str(member_id)),
        "version": change.member.version,
        "consent": consent,
    }
