"""REST endpoints beside GraphQL: bulk ingestion streamed as NDJSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.deps import PrincipalDep, ServicesDep
from api.ingest_body import BadLine, UnsupportedBody, check_media_type, gunzipped, numbered_lines
from api.ingestion import DEFAULT_BATCH, FIELDS, Ingestion, LineRejection
from api.services import in_thread

router = APIRouter()


@router.post(
    "/ingest/interactions",
    summary="Record interactions from an NDJSON body, streamed.",
    description=(
        "One JSON object per line with the fields "
        + ", ".join(FIELDS)
        + ". Content-Type application/x-ndjson (or application/jsonl), UTF-8, optionally"
        " with Content-Encoding: gzip; anything else is refused with 415. Valid lines are"
        " recorded in batches, each (channel, external_id) once ever; the answer counts"
        " accepted, duplicate and rejected lines and lists the rejected ones with line"
        " number, field and reason."
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
    try:
        gzipped = check_media_type(
            request.headers.get("content-type"), request.headers.get("content-encoding")
        )
    except UnsupportedBody as error:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(error)) from None
    ingestion = Ingestion(
        services.runtime, create_unknown_members=create_unknown_members, batch_size=batch_size
    )
    chunks = gunzipped(request.stream()) if gzipped else request.stream()
    pending: list[tuple[int, bytes | LineRejection]] = []
    async for item in numbered_lines(chunks):
        if isinstance(item, BadLine):
            pending.append((item.number, LineRejection(item.number, "", item.reason)))
        else:
            pending.append(item)
        if len(pending) >= batch_size:
            await in_thread(ingestion.add_ndjson, pending)
            pending = []
    await in_thread(ingestion.add_ndjson, pending)
    await in_thread(ingestion.flush)
    return ingestion.totals.as_json()
