"""POST /dashboard/activity/annotations: a manager's cause for a spike, from the activity page."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from pydantic import ValidationError

from api.dashboard.health_panels import CHANNELS
from api.dashboard.pages import SIGN_IN, read_form, redirect, refused, signed_in
from api.dashboard.section_routes import AnnotationForm, render
from api.dashboard.sections import SECTIONS, section_url
from api.dashboard.security import check_csrf
from api.dashboard.sessions import Session
from api.deps import ServicesDep
from api.services import Services, in_thread
from domain.errors import InvalidField
from domain.health.annotations import AnnotateSpike
from domain.values import Channel
from projections.health.annotations import HealthAnnotationsProjection

router = APIRouter(prefix="/dashboard", include_in_schema=False)
# The form's fields: a token, a day, a channel and a cause of at most 500 characters, which
# urlencoded may take up to 12 bytes each.
MAX_ANNOTATION_BYTES = 8192
FORM_FIELDS = ("day", "channel", "cause")


@router.post("/activity/annotations")
async def annotate(request: Request, services: ServicesDep) -> Response:
    """Record the cause through the annotateActivitySpike use case, then show it (303)."""
    session = await signed_in(request, services)
    if session is None:
        return redirect(SIGN_IN)
    if not session.principal.can_manage_program:
        return refused(
            status.HTTP_403_FORBIDDEN, "Only admins and managers annotate spikes.", session
        )
    query = {name: request.query_params[name] for name in request.query_params}
    form = await read_form(request, MAX_ANNOTATION_BYTES)
    if form is None:
        too_long = InvalidField("cause", "must be at most 500 characters")
        return await _show_refusal(services, session, query, {}, too_long)
    try:
        check_csrf(session.csrf_token, form.get("csrf_token"))
    except HTTPException:
        return refused(status.HTTP_403_FORBIDDEN, "Missing or wrong CSRF token.", session)
    try:
        command = _command(form, session.principal.key_id)
        outcome = await in_thread(services.use_cases.spikes.annotate, command)
    except InvalidField as refusal:
        return await _show_refusal(services, session, query, form, refusal)
    # Read-your-writes: the activity page shows the annotation once this redirects.
    await in_thread(services.wait_for, HealthAnnotationsProjection.name, outcome.position)
    return redirect(section_url("activity", query))


async def _show_refusal(
    services: Services,
    session: Session,
    query: dict[str, str],
    form: dict[str, str],
    refusal: InvalidField,
) -> Response:
    """The activity page again, 400, its form naming the field and keeping what was typed."""
    shown = AnnotationForm({name: form.get(name, "") for name in FORM_FIELDS}, refusal)
    return await render(services, session, SECTIONS["activity"], query, 400, shown)


def _command(form: dict[str, str], key_id: UUID) -> AnnotateSpike:
    """The use case's command from the form; InvalidField naming the first bad field."""
    try:
        day = date.fromisoformat(form.get("day", ""))
    except ValueError:
        raise InvalidField("day", "must be a date, YYYY-MM-DD") from None
    channel = form.get("channel", "")
    if channel and channel not in CHANNELS:
        raise InvalidField("channel", "must be one of the listed channels")
    try:
        return AnnotateSpike(
            day=day,
            channel=Channel(channel) if channel else None,
            cause=form.get("cause", ""),
            recorded_with=key_id,
        )
    except ValidationError as invalid:
        first = invalid.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "cause"
        raise InvalidField(name, str(first["msg"]).removeprefix("Value error, ")) from None
