"""The `asOf` argument of the lists that read the past: checked the same way everywhere."""

from __future__ import annotations

from datetime import datetime

from api.graphql.errors import bad_field, bad_input
from api.services import Services
from application.clock import utc_now
from domain.errors import InvalidField


def check_as_of(services: Services, as_of: datetime | None) -> None:
    """Refuse an asOf without a zone, or outside the span the community accepts."""
    if as_of is None:
        return
    if as_of.utcoffset() is None:
        raise bad_input("asOf: must include a timezone offset")
    try:
        services.community.bounds.check("as_of", as_of, utc_now())
    except InvalidField as error:
        raise bad_field(error) from None
