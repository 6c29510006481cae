"""The dashboard's page plumbing: its templates, responses, forms and the signed-in session."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from fastapi import Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.dashboard.security import secured
from api.dashboard.sessions import COOKIE, Session, Sessions
from api.services import Services, in_thread

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


def sessions(request: Request) -> Sessions:
    """The serving process's dashboard sessions."""
    held: Sessions = request.app.state.dashboard_sessions
    return held


def session_of(request: Request) -> Session | None:
    """The request's live session, or None (no cookie, unknown, expired or signed out)."""
    return sessions(request).find(request.cookies.get(COOKIE))


async def signed_in(request: Request, services: Services) -> Session | None:
    """The live session of a key that is still active; a revoked key's sessions end with it,
    not at their expiry."""
    session = session_of(request)
    if session is None:
        return None
    if not await in_thread(services.api_keys.is_active, session.principal.key_id):
        sessions(request).close(request.cookies.get(COOKIE, ""))
        return None
    return session


def page(name: str, code: int = 200, **values: object) -> Response:
    """A rendered template with the dashboard's headers."""
    html = templates.get_template(name).render(
        static=STATIC_URL, uplot=UPLOT_URL, sign_in=SIGN_IN, **values
    )
    return secured(HTMLResponse(html, status_code=code))


def refused(code: int, message: str, session: Session | None = None) -> Response:
    """An error page (404 unknown section, 403 role or CSRF, 400 bad download request)."""
    return page("error.html", code, session=session, failure=code, message=message)


def redirect(to: str) -> Response:
    """A 303 See Other to a dashboard path (never to a URL taken from the request)."""
    return secured(RedirectResponse(to, status_code=status.HTTP_303_SEE_OTHER))


async def read_form(
    request: Request, limit: int = MAX_FORM_BYTES, fields: int = 8
) -> dict[str, str] | None:
    """A urlencoded form's first value of each field; None when the body exceeds `limit`
    or holds more than `fields` fields."""
    body = await request.body()
    if len(body) > limit:
        return None
    try:
        parsed = parse_qs(body.decode(errors="replace"), max_num_fields=fields)
    except ValueError:
        return None
    return {name: values[0] for name, values in parsed.items()}
