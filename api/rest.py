"""REST endpoints beside GraphQL: bulk ingestion streamed as NDJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.deps import PrincipalDep, ServicesDep
from api.ingestion import DEFAULT_BATCH, FIELDS, Ingestion
from api.services import in_thread

router = APIRouter()


@router.post(
    "/ingest/interactions",
    summary="Record interactions from an NDJSON body, streamed.",
    description=(
        "One JSON object per line with the fields "
        + ", ".join(FIELDS)
        + ". Valid lines are recorded in batches, each (channel, external_id) once ever;"
        " the answer counts accepted, duplicate and rejected lines and lists the rejected"
        " ones with line number, field and reason."
    ),
    response_description="Counts, and the first 1,000 rejections in detail.",
)
async def ingest_interactions(
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    create_unknown_members: Annotated[
        bool, Query(description="Record a new member for an unknown identity.")
    ] = False,
    batch_size: Annotated[
        int, Query(ge=1, le=10_000, description="Records per transaction.")
    ] = DEFAULT_BATCH,
) -> dict[str, Any]:
    """Stream the body line by line: memory stays bounded whatever its size."""
    if not principal.can_write_members:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not record interactions")
    ingestion = Ingestion(
        services.runtime, create_unknown_members=create_unknown_members, batch_size=batch_size
    )
    pending: list[tuple[int, bytes]] = []
    number, rest = 0, b""
    async for chunk in request.stream():
        *lines, rest = (rest + chunk).split(b"\n")
        for line in lines:
            number += 1
            pending.append((number, line))
        if len(pending) >= batch_size:
            await in_thread(ingestion.add_ndjson, pending)
            pending = []
    if rest:
        pending.append((number + 1, rest))
    await in_thread(ingestion.add_ndjson, pending)
    await in_thread(ingestion.flush)
    return ingestion.totals.as_json()
