"""GET /dashboard and its sign-in: Jinja2 pages (autoescaped) over the read models."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.dashboard.health_panels import CHANNELS, health_view, shade, span_of
from api.dashboard.panels import overview
from api.dashboard.security import check_csrf, check_origin, secured
from api.dashboard.sessions import COOKIE, Session, Sessions
from api.deps import ServicesDep
from api.services import in_thread
from api.static.pages import UPLOT, VENDOR_DIR
from domain.errors import InvalidField

HERE = Path(__file__).resolve().parent
STATIC_URL = "/dashboard/static"
UPLOT_URL = "/dashboard/vendor/uplot"
SIGN_IN = "/dashboard/sign-in"
# A sign-in form holds one key; anything longer is not one.
MAX_FORM_BYTES = 4096

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
router = APIRouter(prefix="/dashboard", include_in_schema=False)


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard, its script and the vendored chart library, in every environment."""
    app.state.dashboard_sessions = Sessions()
    app.mount(STATIC_URL, StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.mount(UPLOT_URL, StaticFiles(directory=VENDOR_DIR / UPLOT / "dist"), name="uplot")
    app.include_router(router)


def _sessions(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.dashboard_sessions
    return sessions


def _session(request: Request) -> Session | None:
    return _sessions(request).find(request.cookies.get(COOKIE))


def _page(name: str, code: int = 200, **values: object) -> Response:
    html = templates.get_template(name).render(
        static=STATIC_URL, uplot=UPLOT_URL, sign_in=SIGN_IN, **values
    )
    return secured(HTMLResponse(html, status_code=code))


def _redirect(to: str) -> Response:
    return secured(RedirectResponse(to, status_code=status.HTTP_303_SEE_OTHER))


async def _form(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = parse_qs(body.decode(errors="replace"), max_num_fields=8)
    return {name: values[0] for name, values in fields.items()}


@router.get("")
async def dashboard(request: Request, services: ServicesDep) -> Response:
    """The overview: members, the at-risk list, top members, candidates, activity."""
    session = _session(request)
    if session is None:
        return _redirect(SIGN_IN)
    # A revoked key's sessions end with it, not at their expiry.
    if not await in_thread(services.api_keys.is_active, session.principal.key_id):
        _sessions(request).close(request.cookies.get(COOKIE, ""))
        return _redirect(SIGN_IN)
    query = dict(request.query_params)
    try:
        span = span_of(query, datetime.now(UTC).date())
        health = await in_thread(health_view, services, span)
        code, error = 200, None
    except InvalidField as bad:
        # A bad picker value: the page says which, and shows no health figures.
        health, code, error = None, status.HTTP_400_BAD_REQUEST, bad
    panels = await in_thread(overview, services, session.principal)
    charts = panels.chart_data()
    if health is not None:
        charts["new-vs-inactive"] = health.chart()
    return _page(
        "dashboard.html",
        code,
        session=session,
        panels=panels,
        charts=charts,
        health=health,
        error=error,
        query=query,
        channels=CHANNELS,
        shade=shade,
    )


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    """The form asking for an API key."""
    if _session(request) is not None:
        return _redirect("/dashboard")
    return _page("sign_in.html", error=None)


@router.post("/sign-in")
async def sign_in(request: Request, services: ServicesDep) -> Response:
    """Verify the key; on success a session cookie (the key itself never reaches the cookie)."""
    check_origin(request)
    secret = (await _form(request)).get("api_key", "").strip()
    principal = await in_thread(services.api_keys.verify, secret) if secret else None
    if principal is None:
        return _page("sign_in.html", status.HTTP_401_UNAUTHORIZED, error="Unknown or revoked key.")
    token, session = _sessions(request).open(principal)
    response = _redirect("/dashboard")
    response.set_cookie(
        COOKIE,
        token,
        expires=session.expires_at,
        path="/dashboard",
        httponly=True,
        samesite="strict",
        secure=services.settings.environment not in ("local", "test"),
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    """End the session (a CSRF-checked form, so another site cannot sign a manager out)."""
    session = _session(request)
    if session is None:
        return _redirect(SIGN_IN)
    check_csrf(session.csrf_token, (await _form(request)).get("csrf_token"))
    _sessions(request).close(request.cookies.get(COOKIE, ""))
    response = _redirect(SIGN_IN)
    response.delete_cookie(COOKIE, path="/dashboard")
    return response
