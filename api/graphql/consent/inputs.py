"""GraphQL inputs of the consent mutations; validation happens in the domain commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.consent import enums  # noqa: F401 (registers the enums with strawberry)
from domain.consent import ConsentPurpose, ConsentSource

_MEMBER = "The member whose answer it is."
_AT = (
    "When the member gave or withdrew it, with a timezone; in the past for imports, never "
    "in the future; default now."
)
_RECORDED_BY = (
    "The staff member (a member marked as staff) who recorded it; omit for a form. Your API "
    "key is recorded in any case."
)
_NOTE = "A note about the answer (at most 2000 characters); personal data, erased with it."


@strawberry.input(description="A new version of the wording shown for a purpose.")
class RegisterConsentTextInput:
    purpose: ConsentPurpose = strawberry.field(description="What it asks consent to.")
    version: str = strawberry.field(
        description="Its version label (1-50 letters, digits, '.', '-', '_'); registered once."
    )
    text: str = strawberry.field(
        description="The exact wording (1-20000 characters; line breaks kept, no other control "
        "or direction-control characters)."
    )
    registered_by: strawberry.ID | None = strawberry.field(
        default=None, description="The staff member registering it, if named."
    )


@strawberry.input(description="A member agreed to a purpose, shown a registered text version.")
class GiveConsentInput:
    member_id: strawberry.ID = strawberry.field(description=_MEMBER)
    purpose: ConsentPurpose = strawberry.field(description="What the member agreed to.")
    text_version: str = strawberry.field(
        description="The registered version of the purpose's text the member was shown."
    )
    source: ConsentSource = strawberry.field(description="Where the answer came from.")
    at: datetime | None = strawberry.field(default=None, description=_AT)
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When the consent stops holding, if ever: after `at`, within 100 years.",
    )
    recorded_by: strawberry.ID | None = strawberry.field(default=None, description=_RECORDED_BY)
    note: str | None = strawberry.field(default=None, description=_NOTE)


@strawberry.input(description="A member withdrew consent to a purpose: no text is needed.")
class WithdrawConsentInput:
    member_id: strawberry.ID = strawberry.field(description=_MEMBER)
    purpose: ConsentPurpose = strawberry.field(description="What the member withdrew from.")
    source: ConsentSource = strawberry.field(description="Where the answer came from.")
    at: datetime | None = strawberry.field(default=None, description=_AT)
    recorded_by: strawberry.ID | None = strawberry.field(default=None, description=_RECORDED_BY)
    note: str | None = strawberry.field(default=None, description=_NOTE)
