"""REST routes of the disclosures context: marketing's audited ambassador export, and a
person's own data (GDPR Art. 15). Each export is recorded as a disclosure before it leaves."""

from __future__ import annotations

from itertools import chain
from typing import Annotated
from uuid import UUID

import orjson
from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import Response, StreamingResponse

from api.ambassador_export import (
    ReadModelsBehind,
    ambassador_filter,
    exported_csv,
    wait_for_read_models,
)
from api.auth import EXPORT_AMBASSADORS, Principal
from api.deps import PrincipalDep, ServicesDep, charge
from api.exports import CSV, checked, export_slot
from api.services import in_thread
from api.subject_records import subject_access
from application.disclosures import Recipient

router = APIRouter(tags=["disclosures"])
READ_MODELS_RETRY_SECONDS = 5


def recipient(principal: Principal) -> Recipient:
    """Who receives an export made with this key."""
    return Recipient(principal.name, principal.role.value, principal.key_id)


@router.get(
    "/exports/ambassadors.csv",
    summary="Consenting ambassadors as CSV for marketing (RFC 4180, UTF-8), recorded.",
    description=(
        "Ambassadors of the program status asked (active by default), optionally of one tier"
        " and on one channel, whose MARKETING_EMAIL consent holds now and who are not erased:"
        " member id, display name, email, tier, since, term ends, channels (separated by"
        " ';'), engagement score now. Every export is recorded first (who, when, filter,"
        " rule versions, the members' ids): see the `exports` query. A cell a spreadsheet"
        " would run as a formula (starting with = + - @, tab or CR) starts with an apostrophe."
        " Admin, manager and marketing keys only."
    ),
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}},
        403: {"description": "Your role may not export ambassadors."},
        429: {"description": "As many CSV exports as allowed are streaming; see Retry-After."},
        503: {"description": "The read models are catching up with the log; see Retry-After."},
    },
)
async def ambassadors_csv(
    request: Request,
    principal: PrincipalDep,
    services: ServicesDep,
    tier: Annotated[str | None, Query(description="Only ambassadors of this tier.")] = None,
    channel: Annotated[str | None, Query(description="Only members on this channel.")] = None,
    program_status: Annotated[
        str | None, Query(alias="status", description="A program status; active if none.")
    ] = None,
) -> StreamingResponse:
    """Fix and record the member set, then stream exactly those rows."""
    charge(request, principal, "read")  # one read token per export
    if not principal.can_export_ambassadors:
        roles = ", ".join(role.value for role in EXPORT_AMBASSADORS)
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"exporting ambassadors needs {roles}")
    where = checked(lambda: ambassador_filter(program_status, tier, channel))
    try:
        await in_thread(wait_for_read_models, services.runtime, services.watcher)
    except ReadModelsBehind as behind:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            str(behind),
            headers={"Retry-After": str(READ_MODELS_RETRY_SECONDS)},
        ) from None
    slots = export_slot(request)
    log, at = services.use_cases.disclosures, services.community.clock()
    chunks = slots.held(exported_csv(services.runtime, log, recipient(principal), where, at))
    # The first chunk comes once the disclosure is recorded: a failure is still an answer.
    header = await in_thread(next, chunks)
    filename = f"ambassadors-{at:%Y%m%dT%H%M%S}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(chain([header], chunks), media_type=CSV, headers=headers)


@router.get(
    "/members/{member_id}/data-export",
    summary="Everything held on one person, as one JSON document (GDPR Art. 15).",
    description=(
        "Profile, identities, consents with their proof, interactions, feedback given and"
        " supported, the ambassador program, conduct records about the person, the exports"
        " that held their data, and what staff keep about them: notes (every version),"
        " motivation, follow-up tasks and outreach with its outcome. An erased member's"
        " document says only that they"
        " were erased, and when. The export is itself recorded as a disclosure"
        " (DATA_SUBJECT_ACCESS). Admin and manager keys only."
    ),
    responses={
        403: {"description": "Your role may not read personal data."},
        404: {"description": "No member has this id."},
    },
)
async def data_export(
    request: Request, member_id: UUID, principal: PrincipalDep, services: ServicesDep
) -> Response:
    """Read the document (every context), record the disclosure, answer."""
    charge(request, principal, "read")
    if not principal.can_read_personal_data:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "a data export needs admin or manager")
    access = subject_access(services)
    document = await in_thread(access.export, member_id, recipient(principal))
    if document is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no member with id {member_id}")
    return Response(orjson.dumps(document), media_type="application/json")
