"""Conduct queries: the incident list and one incident, for admins and managers only."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from api.graphql.conduct.inputs import ConductIncidentFilterInput
from api.graphql.conduct.types import (
    ConductIncident,
    ConductIncidentConnection,
    incident_from_row,
    load_incident,
)
from api.graphql.context import Info
from api.graphql.errors import bad_input, forbidden_query
from api.graphql.relay import DEFAULT_FIRST, After, First, check_first
from api.services import in_thread
from projections.conduct.queries import IncidentFilter
from projections.cursors import InvalidCursor, Page


def _check_role(info: Info) -> None:
    if not info.context.principal.can_read_conduct:
        raise forbidden_query("your role may not read conduct incidents (admin, manager only)")


def _uuid(value: str, field: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise bad_input(f"{field}: not an id (a UUID)") from None


def _filter(given: ConductIncidentFilterInput | None) -> IncidentFilter:
    if given is None:
        return IncidentFilter()
    return IncidentFilter(
        member_id=_uuid(given.member_id, "filter.memberId") if given.member_id else None,
        status=given.status.value if given.status else None,
        severity=given.severity.value if given.severity else None,
    )


@strawberry.type
class ConductQuery:
    """Queries of the conduct context."""

    @strawberry.field(
        description="Conduct incidents, newest first, a page at a time (keyset cursors). "
        "Admin and manager only (FORBIDDEN otherwise)."
    )
    async def conduct_incidents(
        self,
        info: Info,
        filter: Annotated[
            ConductIncidentFilterInput | None,
            strawberry.argument(description="Which incidents; all when absent."),
        ] = None,
        first: First = DEFAULT_FIRST,
        after: After = None,
    ) -> ConductIncidentConnection:
        _check_role(info)
        services = info.context.services
        check_first(first, services.settings.max_page_size)
        where = _filter(filter)
        try:
            rows, cursors, has_next = await in_thread(services.conduct.page, where, first, after)
        except InvalidCursor as error:
            raise bad_input(f"after: {error}") from None
        ids = [row["incident_id"] for row in rows]
        history = await in_thread(services.conduct.history, ids) if ids else {}
        nodes = [incident_from_row(row, history[row["incident_id"]]) for row in rows]
        return ConductIncidentConnection.of(Page(rows, has_next, cursors), after, nodes)

    @strawberry.field(
        description="One conduct incident by id; null when there is none. Admin and manager "
        "only (FORBIDDEN otherwise)."
    )
    async def conduct_incident(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The incident's id.")],
    ) -> ConductIncident | None:
        _check_role(info)
        return await load_incident(info, _uuid(id, "id"), None)
