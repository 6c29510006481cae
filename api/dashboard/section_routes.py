"""GET /dashboard and /dashboard/<section>: the pages, and each table as CSV (?format=csv)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from api.dashboard.csv_files import csv_response, csv_text
from api.dashboard.health_panels import CHANNELS, Span, shade, span_of
from api.dashboard.pages import SIGN_IN, page, redirect, refused, signed_in
from api.dashboard.sections import SECTIONS, WHOLE, Section, read_section, section_url
from api.dashboard.sessions import Session
from api.dashboard.tables import TABLES, tables_of
from api.deps import ServicesDep
from api.services import Services
from domain.errors import InvalidField

router = APIRouter(prefix="/dashboard", include_in_schema=False)
# What GraphiQL opens for the panels' full lists, when this server serves GraphiQL.
FULL_LISTS = {
    "at-risk": "{ atRiskMembers(first: 50) { edges { node { member { id displayName } } } } }",
    "top-members": "{ topMembers(first: 50) { edges { node { member { id displayName } } } } }",
    "candidates": "{ ambassadorCandidates(first: 50) { edges { node { member { id } } } } }",
}


@dataclass(frozen=True)
class AnnotationForm:
    """The spike annotation form's state: the values sent back and the field refused."""

    values: dict[str, str] = field(default_factory=dict)
    error: InvalidField | None = None


@router.get("")
async def whole(request: Request, services: ServicesDep) -> Response:
    """Every section on one page."""
    return await _serve(request, services, WHOLE)


@router.get("/{name}")
async def section(request: Request, services: ServicesDep, name: str) -> Response:
    """One section; with ?format=csv&table=NAME, one of its tables as CSV."""
    session = await signed_in(request, services)
    if session is None:
        return redirect(SIGN_IN)
    found = SECTIONS.get(name)
    if found is None:
        return refused(status.HTTP_404_NOT_FOUND, "There is no such dashboard section.", session)
    return await _serve(request, services, found, session)


@router.get("/{rest:path}")
async def elsewhere(request: Request, services: ServicesDep, rest: str) -> Response:
    """Any deeper path under /dashboard: the same 404 page as an unknown section."""
    session = await signed_in(request, services)
    if session is None:
        return redirect(SIGN_IN)
    if not rest:  # /dashboard/ is the whole page
        return redirect("/dashboard")
    return refused(status.HTTP_404_NOT_FOUND, "There is no such dashboard page.", session)


async def _serve(
    request: Request, services: Services, shown: Section, session: Session | None = None
) -> Response:
    session = session or await signed_in(request, services)
    if session is None:
        return redirect(SIGN_IN)
    query = dict(request.query_params)
    fmt = query.get("format", "html")
    if fmt == "csv" and shown is not WHOLE:
        return await _download(services, session, shown, query)
    if fmt != "html":
        reason = "must be csv (on a section's page) or html"
        return _bad(session, InvalidField("format", reason))
    return await render(services, session, shown, query)


async def render(
    services: Services,
    session: Session,
    shown: Section,
    query: dict[str, str],
    code: int = status.HTTP_200_OK,
    annotation: AnnotationForm | None = None,
) -> Response:
    """A section's page (WHOLE: all of them); a bad picker is a 400 naming it."""
    error = None
    try:
        span: Span | None = span_of(query, datetime.now(UTC).date())
    except InvalidField as bad:
        # A bad picker value: the page says which, and shows no health figures.
        span, code, error = None, status.HTTP_400_BAD_REQUEST, bad
    data = await read_section(services, session.principal, shown, span)
    charts: dict[str, Any] = data.community.charts() if data.community else {}
    charts.update(data.health.charts() if data.health else {})
    names = list(SECTIONS) if shown is WHOLE else [shown.name]
    return page(
        "page.html",
        code,
        session=session,
        section=shown,
        shown=names,
        sections=list(SECTIONS.values()),
        here=section_url(shown.name, {}),
        community=data.community,
        members=data.members,
        health=data.health,
        charts=charts,
        error=error,
        query=query,
        channels=CHANNELS,
        shade=shade,
        nav_url=lambda name: section_url(name, query),
        csv_url=lambda name, table: section_url(name, query, format="csv", table=table),
        full_list=_full_list(services),
        annotation=annotation or AnnotationForm(),
        annotation_action=section_url("activity/annotations", query),
    )


async def _download(
    services: Services, session: Session, shown: Section, query: dict[str, str]
) -> Response:
    table = TABLES.get((shown.name, query.get("table", "")))
    if table is None:
        names = ", ".join(tables_of(shown.name))
        return _bad(session, InvalidField("table", f"must be one of {names}"))
    if not table.allowed(session.principal):
        return refused(status.HTTP_403_FORBIDDEN, "Your role may not read this table.", session)
    try:
        span = span_of(query, datetime.now(UTC).date())
    except InvalidField as bad:
        return _bad(session, bad)
    data = await read_section(services, session.principal, shown, span)
    header, rows = table.rows(data)
    name = f"{shown.name}-{table.name}"
    if shown.pickers:
        name += f"-{span.start:%Y-%m}-to-{span.last_month:%Y-%m}{_suffix(span)}"
    return csv_response(f"{name}.csv", csv_text(header, rows))


def _suffix(span: Span) -> str:
    channel = f"-{span.channel}" if span.channel else ""
    return channel + (f"-as-of-{span.as_of}" if span.as_of else "")


def _bad(session: Session, error: InvalidField) -> Response:
    return page(
        "error.html",
        status.HTTP_400_BAD_REQUEST,
        session=session,
        failure=status.HTTP_400_BAD_REQUEST,
        message=error.message,
        field=error.field,
    )


def _full_list(services: Services) -> Callable[[str], str | None]:
    """The GraphiQL link of a panel's full list; None when GraphiQL is off (the panel then
    names the query)."""
    if not services.settings.graphiql_enabled:
        return lambda table: None
    return lambda table: f"/graphql?q={quote(FULL_LISTS[table])}"
