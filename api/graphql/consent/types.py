"""GraphQL types of the consent context: texts, and a member's consents with proof and history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import strawberry

from api.graphql.consent import enums  # noqa: F401 (registers the enums with strawberry)
from api.graphql.context import Info
from api.graphql.errors import forbidden_query
from api.services import in_thread
from domain.consent import ConsentPurpose, ConsentSource, ConsentState, state_of
from domain.consent import ConsentText as DomainConsentText
from projections.consent.projection import ConsentProjection
from projections.consent.queries import MemberConsents, record_of


@strawberry.type(description="One version of the wording members are shown for a purpose.")
class ConsentText:
    purpose: ConsentPurpose = strawberry.field(description="What it asks consent to.")
    version: str = strawberry.field(description="Its version label; never changed once used.")
    text: str = strawberry.field(description="The exact wording, as registered.")
    sha256: str = strawberry.field(description="SHA-256 of the wording's UTF-8 bytes, in hex.")
    registered_at: datetime = strawberry.field(description="When it was registered.")
    registered_by: strawberry.ID | None = strawberry.field(
        description="The staff member who registered it, if named."
    )


@strawberry.type(description="What proves the current answer: what was shown, how, when, by whom.")
class ConsentProof:
    text_version: str | None = strawberry.field(
        description="The version of the text agreed to; null for a withdrawal."
    )
    text: str | None = strawberry.field(
        description="The exact wording agreed to; null for a withdrawal."
    )
    text_sha256: str | None = strawberry.field(
        description="SHA-256 of that wording, in hex; null for a withdrawal."
    )
    source: ConsentSource = strawberry.field(description="Where the answer came from.")
    at: datetime = strawberry.field(description="When the member gave or withdrew it.")
    recorded_by: strawberry.ID | None = strawberry.field(
        description="The staff member who recorded it; null from a form."
    )
    expires_at: datetime | None = strawberry.field(
        description="When a consent stops holding, if it expires."
    )


@strawberry.type(description="One consent event of a member, as recorded (the history).")
class ConsentAnswer:
    given: bool = strawberry.field(description="True: consent given; false: withdrawn.")
    text_version: str | None = strawberry.field(
        description="The version of the text agreed to; null for a withdrawal."
    )
    source: ConsentSource = strawberry.field(description="Where the answer came from.")
    at: datetime = strawberry.field(description="When the member gave or withdrew it.")
    recorded_by: strawberry.ID | None = strawberry.field(
        description="The staff member who recorded it; null from a form."
    )
    recorded_with: strawberry.ID | None = strawberry.field(
        description="The API key that recorded it, if through the API."
    )
    expires_at: datetime | None = strawberry.field(description="Its expiry, if any.")
    note: str | None = strawberry.field(
        description="The note recorded with it; null when none, or once the member is erased."
    )


@strawberry.type(description="A member's consent to one purpose: where it stands, and why.")
class MemberConsent:
    purpose: ConsentPurpose = strawberry.field(description="The purpose.")
    state: ConsentState = strawberry.field(
        description="The latest answer (by when the member gave it), or NONE."
    )
    holds: bool = strawberry.field(
        description="Whether consent holds now: given and not expired. Never inferred."
    )
    proof: ConsentProof | None = strawberry.field(
        description="The proof of the current answer; null when none was recorded."
    )
    history: list[ConsentAnswer] = strawberry.field(
        description="Every answer on this purpose, in the order recorded."
    )


def text_from_row(row: dict[str, Any]) -> ConsentText:
    """A consent text from its read-model row."""
    by = row["registered_by"]
    return ConsentText(
        purpose=ConsentPurpose(row["purpose"]),
        version=row["version"],
        text=row["text"],
        sha256=row["sha256"],
        registered_at=row["registered_at"],
        registered_by=_id(by),
    )


def text_of(text: DomainConsentText) -> ConsentText:
    """A consent text from its aggregate (just registered)."""
    return ConsentText(
        purpose=text.purpose,
        version=text.text_version,
        text=text.text,
        sha256=text.sha256,
        registered_at=text.registered_at,
        registered_by=_id(text.registered_by),
    )


def member_consent(consents: MemberConsents, purpose: ConsentPurpose) -> MemberConsent:
    """The member's consent to one purpose, as of now."""
    row = consents.current.get(purpose)
    record = None if row is None else record_of(row)
    return MemberConsent(
        purpose=purpose,
        state=state_of(record),
        holds=consents.holds(purpose, datetime.now(UTC)),
        proof=None if row is None else _proof(row),
        history=[_answer(h) for h in consents.history if h["purpose"] == purpose.value],
    )


async def member_consents(info: Info, member_id: UUID) -> list[MemberConsent]:
    """member.consents: every purpose, for the roles that may read personal data."""
    principal = info.context.principal
    if not principal.can_read_personal_data:
        raise forbidden_query("your role may not read members' consents")
    consents = await in_thread(info.context.services.consent.for_member, member_id)
    return [member_consent(consents, purpose) for purpose in ConsentPurpose]


async def consent_after(
    info: Info, member_id: UUID, purpose: ConsentPurpose, position: int | None
) -> MemberConsent | None:
    """The member's consent once the read model holds `position` (read-your-writes)."""
    services = info.context.services
    if not await in_thread(services.wait_for, ConsentProjection.name, position):
        return None
    consents = await in_thread(services.consent.for_member, member_id)
    return member_consent(consents, purpose)


def _proof(row: dict[str, Any]) -> ConsentProof:
    return ConsentProof(
        text_version=row["text_version"],
        text=row["text"],
        text_sha256=row["text_sha256"],
        source=ConsentSource(row["source"]),
        at=row["at"],
        recorded_by=_id(row["recorded_by"]),
        expires_at=row["expires_at"],
    )


def _answer(row: dict[str, Any]) -> ConsentAnswer:
    return ConsentAnswer(
        given=row["given"],
        text_version=row["text_version"],
        source=ConsentSource(row["source"]),
        at=row["at"],
        recorded_by=_id(row["recorded_by"]),
        recorded_with=_id(row["recorded_with"]),
        expires_at=row["expires_at"],
        note=row["note"],
    )


def _id(value: UUID | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))
