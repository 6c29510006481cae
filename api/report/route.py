"""GET /dashboard/report?month=YYYY-MM: the same report file, for a signed-in dashboard session."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from api.dashboard.pages import signed_in
from api.deps import ServicesDep
from api.report.builder import DEFAULT_MONTHS, MonthlyReport, monthly_report, report_request
from api.report.render import render_report, style_hash
from api.services import in_thread
from domain.errors import InvalidField

router = APIRouter(prefix="/dashboard", include_in_schema=False)
# The query parameter each refused field came from.
PARAMETERS = {"as_of": "asOf"}


@router.get("/report")
async def report_file(
    request: Request,
    services: ServicesDep,
    month: str = "",
    channel: str = "",
    asOf: str = "",  # noqa: N803  (the dashboard's own picker name)
    months: int = DEFAULT_MONTHS,
) -> Response:
    """The monthly report of `crm report`; aggregates only, so every role may have it."""
    if await signed_in(request, services) is None:
        return RedirectResponse("/dashboard/sign-in", status_code=status.HTTP_303_SEE_OTHER)
    today = datetime.now(UTC).date()
    try:
        asked = report_request(month, channel, asOf, months, today)
        found = await in_thread(monthly_report, services.use_cases, services.pool, asked)
    except InvalidField as error:
        name = PARAMETERS.get(error.field, error.field)
        return PlainTextResponse(f"{name}: {error.message}", status.HTTP_400_BAD_REQUEST)
    return _file(found, f"community-report-{asked.month:%Y-%m}.html")


def _file(found: MonthlyReport, name: str) -> Response:
    """The report's HTML with headers that let it load nothing at all."""
    return HTMLResponse(
        render_report(found),
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            # Nothing to load: the one inline stylesheet, by its hash; no script at all.
            "Content-Security-Policy": f"default-src 'none'; style-src {style_hash()};"
            " base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-store",
        },
    )
