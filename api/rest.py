"""REST endpoints beside GraphQL: bulk ingestion streamed as NDJSON."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.deps import PrincipalDep, ServicesDep, charge
from api.ingest_body import BadLine, UnsupportedBody, check_media_type, gunzipped, numbered_lines
from api.ratelimit import RateLimiter
from api.services import in_thread
from application.interactions.ingestion import DEFAULT_BATCH, FIELDS, Ingestion, LineRejection
from domain.interactions.interaction import InteractionKind
from domain.values import Channel

INGEST_PATH = "/ingest/interactions"
NDJSON = "application/x-ndjson"


def _ndjson_body() -> dict[str, Any]:
    """The OpenAPI request body: each array item is one line of the NDJSON stream."""
    text = {"type": "string"}
    record = {
        "type": "object",
        "properties": {
            **dict.fromkeys(FIELDS, text),
            "member_id": {"type": "string", "format": "uuid"},
            "identity_channel": {"type": "string", "enum": [c.value for c in Channel]},
            "channel": {"type": "string", "enum": [c.value for c in Channel]},
            "kind": {"type": "string", "enum": [k.value for k in InteractionKind]},
            "occurred_at": {"type": "string", "format": "date-time"},
        },
        "required": ["channel", "kind", "occurred_at", "external_id"],
        "additionalProperties": False,
    }
    schema = {"type": "array", "items": record, "description": "One record per line."}
    return {"requestBody": {"required": True, "content": {NDJSON: {"schema": schema}}}}


router = APIRouter()


@router.post(
    INGEST_PATH,
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
    openapi_extra=_ndjson_body(),
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
    charge(request, principal, "ingest")
    limiter: RateLimiter = request.app.state.rate_limiter
    settings = services.settings
    ingestion = Ingestion(
        services.community,
        services.use_cases.returns,
        create_unknown_members=create_unknown_members,
        max_json_depth=settings.max_json_depth,
        batch_size=batch_size,
    )
    chunks = gunzipped(request.stream()) if gzipped else request.stream()
    pending: list[tuple[int, bytes | LineRejection]] = []
    async for lines in numbered_lines(chunks, settings.max_ingest_line_bytes):
        for item in lines:
            if isinstance(item, BadLine):
                rejection = LineRejection(item.number, "", item.reason, item.code)
                pending.append((item.number, rejection))
            else:
                pending.append(item)
        if len(pending) >= batch_size:
            await in_thread(ingestion.add_ndjson, pending)
            # A key past its ingest rate is slowed down to it, not cut off mid-stream.
            await asyncio.sleep(limiter.charge(principal, "ingest", len(pending)))
            pending = []
    await in_thread(ingestion.add_ndjson, pending)
    limiter.charge(principal, "ingest", len(pending))
    await in_thread(ingestion.flush)
    return ingestion.totals.as_json()
