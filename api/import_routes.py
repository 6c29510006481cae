"""POST /imports/{platform}: an export uploaded, imported, and the report returned."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.auth import IMPORT_DATA
from api.deps import PrincipalDep, ServicesDep, charge
from api.importing import import_export
from api.services import Services, in_thread
from api.uploads import UploadRefused, receive_file
from application.importers.formats import FORMATS
from domain.events import CommunityEventNotFound, EventIsCancelled

IMPORTS_PATH = "/imports"
FIELD = "file"
Platform = StrEnum("Platform", {name: name for name in FORMATS})  # type: ignore[misc]

router = APIRouter(tags=["imports"])


@router.post(
    IMPORTS_PATH + "/{platform}",
    summary="Import a platform's export, uploaded as multipart/form-data.",
    description=(
        "The export goes in the form part named `file`: a Slack export ZIP, a"
        " DiscordChatExporter JSON file, a Discourse user list CSV or topic JSON, a GitHub REST"
        " JSON or GH Archive file (gzipped or not), or an attendee CSV (with `event`, the"
        " community event it is applied to). It is streamed to a temporary file, imported as"
        " `crm import PLATFORM` does, and deleted. Each record is applied once however often"
        " it is uploaded. `strict` checks everything first and applies nothing on any error."
        " Admin and manager keys only."
    ),
    response_description="The report: counts, skip reasons, and each error with its place.",
    responses={
        403: {"description": "Your role may not import data."},
        413: {"description": "The file is larger than the configured limit."},
        415: {"description": "The body is not multipart/form-data."},
        409: {"description": "The community event was cancelled: it takes no attendance."},
        422: {"description": "No `file` part, or an event id is missing or unknown."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {FIELD: {"type": "string", "format": "binary"}},
                        "required": [FIELD],
                    }
                }
            },
        }
    },
)
async def import_upload(
    request: Request,
    platform: Platform,
    principal: PrincipalDep,
    services: ServicesDep,
    strict: Annotated[
        bool, Query(description="Apply nothing unless every record is readable and valid.")
    ] = False,
    event: Annotated[
        UUID | None, Query(description="The community event (attendee files only).")
    ] = None,
) -> dict[str, Any]:
    """Stream the upload to disk, import it, return the report."""
    if principal.role not in IMPORT_DATA:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "your role may not import data")
    fmt = FORMATS[str(platform)]
    if fmt.needs_event and event is None:
        raise HTTPException(422, "event: attendee files need the community event's id")
    charge(request, principal, "ingest")
    with tempfile.TemporaryDirectory(prefix="crm-import-") as folder:
        target = Path(folder) / "upload"
        try:
            await receive_file(
                request.headers.get("content-type"),
                request.stream(),
                target,
                field=FIELD,
                max_bytes=services.settings.max_upload_bytes,
            )
        except UploadRefused as refused:
            raise HTTPException(refused.status, str(refused)) from None
        try:
            report = await in_thread(_import, services, fmt.name, target, strict, event)
        except CommunityEventNotFound as error:
            raise HTTPException(422, f"event: {error}") from None
        except EventIsCancelled as error:
            raise HTTPException(status.HTTP_409_CONFLICT, f"event: {error}") from None
    return report


def _import(
    services: Services, name: str, path: Path, strict: bool, event: UUID | None
) -> dict[str, Any]:
    report = import_export(
        services.runtime,
        FORMATS[name],
        path,
        after_batch=services.use_cases.returns,
        strict=strict,
        event_id=event,
        attendance=services.use_cases.attendance if event is not None else None,
    )
    return report.as_json()
