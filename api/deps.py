"""FastAPI dependencies: the process's services and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from starlette.requests import HTTPConnection, Request

from api.auth import Principal
from api.ratelimit import RateLimited, RateLimiter
from api.services import Services, in_thread
from application.settings import RateKind


def get_services(connection: HTTPConnection) -> Services:
    """The process-wide services, built in the lifespan."""
    services: Services = connection.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def authenticate(connection: HTTPConnection, services: ServicesDep) -> Principal:
    """The caller of a request, from `Authorization: Bearer <api key>`; 401 otherwise."""
    header = connection.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    principal = None
    if scheme.lower() == "bearer" and secret.strip():
        principal = await in_thread(services.api_keys.verify, secret.strip())
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="a valid API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def charge(request: Request, principal: Principal, kind: RateKind) -> None:
    """Take a token of `kind` from the caller's bucket; 429 with Retry-After when empty."""
    limiter: RateLimiter = request.app.state.rate_limiter
    try:
        limiter.check(principal, kind)
    except RateLimited as limited:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            limited.message,
            headers={"Retry-After": str(limited.retry_after)},
        ) from None
