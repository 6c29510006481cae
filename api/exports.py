"""REST exports of feedback for the product team's tools: the change feed as NDJSON, and CSV.

Both stream in constant memory, need an API key, and are open to every role (all roles
may read feedback; no export holds an e-mail or a handle). Each costs one read token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse

from api.bootstrap import personal_data
from api.deps import PrincipalDep, ServicesDep, charge
from api.export_params import ParamError, export_filter, feed_position
from api.export_slots import ExportSlots
from api.services import in_thread
from projections.feedback.export import FeedbackExport
from projections.feedback.feed import encode_feed_cursor
from projections.feedback.feed_export import FeedStream

NDJSON = "application/x-ndjson"
CSV = "text/csv; charset=utf-8; header=present"
NEXT_CURSOR = "X-Next-Cursor"
HAS_MORE = "X-Has-More"
MAX_LIMIT = 1_000_000
EXPORT_RETRY_SECONDS = 10
T = TypeVar("T")

router = APIRouter(tags=["exports"])


@router.get(
    "/exports/feedback.ndjson",
    summary="The feedback change feed from a cursor, streamed as NDJSON.",
    description=(
        'One JSON object per line: {"item": {...the item\'s current state...}, "changes":'
        ' [...kinds of its changes in the span...], "position": N}, in commit order, then'
        ' a last line {"endCursor": "...", "hasMore": bool}. The end is fixed when the'
        " request arrives (the head of the feed, or where `limit` changes are reached), so the"
        f" {NEXT_CURSOR} header already holds the end cursor. Store it and pass it as"
        " `since` next time: no change is missed or repeated. An item changed while the"
        " body streams comes in the next response."
    ),
    response_class=StreamingResponse,
    responses={200: {"content": {NDJSON: {}}}},
)
async def feedback_feed(
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    since: Annotated[
        str | None, Query(description="An endCursor of an earlier response; none: from the start.")
    ] = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=MAX_LIMIT,
            description="At most about this many changes (a commit is kept whole).",
        ),
    ] = None,
) -> StreamingResponse:
    """Fix the span first, so the next cursor is known before the body streams."""
    charge(request, principal, "read")  # one read token per export
    after = checked(lambda: feed_position(since))
    stream = FeedStream(services.pool, services.feedback)
    span = await in_thread(stream.span, after, limit)
    end_cursor = encode_feed_cursor(span.end)
    headers = {NEXT_CURSOR: end_cursor, HAS_MORE: str(span.has_more).lower()}
    return StreamingResponse(stream.ndjson(span, end_cursor), media_type=NDJSON, headers=headers)


@router.get(
    "/exports/feedback.csv",
    summary="Feedback items as CSV (RFC 4180, UTF-8, header row), streamed.",
    description=(
        "Items submitted in [from, to), with any of the statuses and product areas given"
        " (repeat `status` or separate by commas; repeat `productArea`), oldest first."
        " A cell that a spreadsheet would run as a formula (starting with = + - @, tab or"
        " CR) starts with an apostrophe. An erased author's text and source url are empty."
    ),
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}},
        429: {"description": "As many CSV exports as allowed are streaming; see Retry-After."},
    },
)
async def feedback_csv(
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    submitted_from: Annotated[
        str | None, Query(alias="from", description="ISO 8601 date or time (UTC if no zone).")
    ] = None,
    submitted_to: Annotated[
        str | None, Query(alias="to", description="ISO 8601 date or time, exclusive.")
    ] = None,
    statuses: Annotated[
        list[str] | None, Query(alias="status", description="open, under_review, planned...")
    ] = None,
    product_areas: Annotated[list[str] | None, Query(alias="productArea")] = None,
) -> StreamingResponse:
    """Stream the items from a server-side cursor, a page at a time."""
    charge(request, principal, "read")  # one read token per export
    where = checked(lambda: export_filter(submitted_from, submitted_to, statuses, product_areas))
    slots = export_slot(request)
    export = FeedbackExport(services.pool, personal_data(services.runtime))
    filename = f"feedback-{datetime.now().astimezone():%Y%m%dT%H%M%S}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(slots.held(export.csv(where)), media_type=CSV, headers=headers)


def export_slot(request: Request) -> ExportSlots:
    """The process's CSV export slots, one of them taken; 429 with Retry-After if none is free."""
    slots: ExportSlots = request.app.state.export_slots
    if not slots.take():
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"{slots.count} CSV exports are streaming already; try again shortly",
            headers={"Retry-After": str(EXPORT_RETRY_SECONDS)},
        )
    return slots


def checked(parse: Callable[[], T]) -> T:
    """The parsed parameters, or 422 naming the parameter and what is wrong with it."""
    try:
        return parse()
    except ParamError as error:
        detail = [{"loc": ["query", error.param], "msg": error.reason, "type": "value_error"}]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from None
