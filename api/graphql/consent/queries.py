"""Consent queries: the registered texts of a purpose (not personal: every role may read them)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.graphql.consent.types import ConsentText, text_from_row
from api.graphql.context import Info
from api.services import in_thread
from domain.consent import ConsentPurpose


@strawberry.type
class ConsentQuery:
    """Queries of the consent context."""

    @strawberry.field(description="Every registered version of a purpose's text, oldest first.")
    async def consent_texts(
        self,
        info: Info,
        purpose: Annotated[ConsentPurpose, strawberry.argument(description="The purpose.")],
    ) -> list[ConsentText]:
        info.context.principal  # noqa: B018 (authentication required, whatever the role)
        rows = await in_thread(info.context.services.consent.texts, purpose)
        return [text_from_row(row) for row in rows]
