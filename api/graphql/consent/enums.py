"""The consent context's GraphQL enums: the domain's own, described for clients."""

from __future__ import annotations

import strawberry

from domain.consent import ConsentPurpose, ConsentSource, ConsentState

ConsentPurposeEnum = strawberry.enum(
    ConsentPurpose,
    name="ConsentPurpose",
    description="What a member may agree to: marketing e-mail, a public listing (e.g. on the "
    "ambassadors page), a case study.",
)
ConsentSourceEnum = strawberry.enum(
    ConsentSource,
    name="ConsentSource",
    description="Where the answer came from: a FORM the member filled in, an IMPORT of "
    "earlier records, or STAFF recording what the member asked for.",
)
ConsentStateEnum = strawberry.enum(
    ConsentState,
    name="ConsentState",
    description="The member's latest answer on a purpose; NONE when nothing was ever "
    "recorded (no record means no consent).",
)
