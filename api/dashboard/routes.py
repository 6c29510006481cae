"""The dashboard's mounting and its sign-in: Jinja2 pages (autoescaped) over the read models."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, HTTPException, Request, status
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from api.dashboard import annotation_form, section_routes
from api.dashboard.pages import (
    HERE,
    SIGN_IN,
    STATIC_URL,
    UPLOT_URL,
    page,
    read_form,
    redirect,
    refused,
    session_of,
    sessions,
)
from api.dashboard.security import check_csrf, check_origin
from api.dashboard.sessions import COOKIE, Sessions
from api.deps import ServicesDep
from api.services import in_thread
from api.static.pages import UPLOT, VENDOR_DIR

router = APIRouter(prefix="/dashboard", include_in_schema=False)


def mount_dashboard(app: FastAPI) -> None:
    """Serve the dashboard, its script and the vendored chart library, in every environment."""
    app.state.dashboard_sessions = Sessions()
    app.mount(STATIC_URL, StaticFiles(directory=HERE / "static"), name="dashboard-static")
    app.mount(UPLOT_URL, StaticFiles(directory=VENDOR_DIR / UPLOT / "dist"), name="uplot")
    # Sign-in first: /dashboard/{section} would otherwise take /dashboard/sign-in.
    app.include_router(router)
    app.include_router(annotation_form.router)
    app.include_router(section_routes.router)


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    """The form asking for an API key."""
    if session_of(request) is not None:
        return redirect("/dashboard")
    return page("sign_in.html", error=None)


@router.post("/sign-in")
async def sign_in(request: Request, services: ServicesDep) -> Response:
    """Verify the key; on success a session cookie (the key itself never reaches the cookie)."""
    try:
        check_origin(request)
    except HTTPException:
        return refused(status.HTTP_403_FORBIDDEN, "This form was posted from another site.")
    secret = ((await read_form(request)) or {}).get("api_key", "").strip()
    principal = await in_thread(services.api_keys.verify, secret) if secret else None
    if principal is None:
        return page("sign_in.html", status.HTTP_401_UNAUTHORIZED, error="Unknown or revoked key.")
    token, session = sessions(request).open(principal)
    response = redirect("/dashboard")
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
    session = session_of(request)
    if session is None:
        return redirect(SIGN_IN)
    try:
        check_csrf(session.csrf_token, ((await read_form(request)) or {}).get("csrf_token"))
    except HTTPException:
        return refused(status.HTTP_403_FORBIDDEN, "Missing or wrong CSRF token.", session)
    sessions(request).close(request.cookies.get(COOKIE, ""))
    response = redirect(SIGN_IN)
    response.delete_cookie(COOKIE, path="/dashboard")
    return response
