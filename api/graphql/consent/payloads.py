"""Success types, the consent-specific error and named result unions of the consent mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.consent.types import ConsentText, MemberConsent
from api.graphql.errors import Conflict, Error, Forbidden, NotFound, ValidationFailed
from domain.consent import ConsentPurpose


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The text version is registered; it will never change.")
class ConsentTextRegistered:
    text: ConsentText = strawberry.field(description="The text as registered.")


@strawberry.type(
    description="This version of the purpose's text is already registered: a version never "
    "changes, so new wording needs a new version. Nothing was recorded."
)
class ConsentTextAlreadyRegistered(Error):
    code: str = strawberry.field(description="Always CONSENT_TEXT_ALREADY_REGISTERED.")
    purpose: ConsentPurpose = strawberry.field(description="The purpose.")
    version: str = strawberry.field(description="The version already registered.")


@strawberry.type
class ConsentChanged:
    """Base of the success types: the member's consent after the change (not in the schema)."""

    member_id: strawberry.ID = strawberry.field(description="The member.")
    version: int = strawberry.field(description="The member's version after the change.")
    consent: MemberConsent | None = strawberry.field(
        description="The member's consent to the purpose after the change (read your write); "
        "null only when the read model lags past the read-your-writes timeout."
    )


@strawberry.type(description="The member's consent is recorded, with its proof.")
class ConsentGiven(ConsentChanged):
    pass


@strawberry.type(description="The member's withdrawal is recorded: consent no longer holds.")
class ConsentWithdrawn(ConsentChanged):
    pass


Errors = ValidationFailed | NotFound | Conflict | Forbidden

RegisterConsentTextResult = Annotated[
    ConsentTextRegistered | ConsentTextAlreadyRegistered | Errors,
    _result("RegisterConsentTextResult"),
]
GiveConsentResult = Annotated[ConsentGiven | Errors, _result("GiveConsentResult")]
WithdrawConsentResult = Annotated[ConsentWithdrawn | Errors, _result("WithdrawConsentResult")]
