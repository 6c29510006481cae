"""The dashboard's browser-facing protections: its Content-Security-Policy and CSRF check."""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import HTTPException, status
from starlette.requests import Request
from starlette.responses import Response

# Only the project's own scripts and styles: no inline script, no CDN, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def secured(response: Response) -> Response:
    """Add the page headers every dashboard response carries."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def check_csrf(expected: str, presented: str | None) -> None:
    """403 unless a state-changing form echoes its session's CSRF token."""
    if not presented or not hmac.compare_digest(expected.encode(), presented.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")


def check_origin(request: Request) -> None:
    """403 for a form posted from another site (the sign-in form has no session to hold a
    token yet: this stops another site signing a browser in with the attacker's key)."""
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "form posted from another site")
