"""FastAPI dependencies: the process's services and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, status
from starlette.requests import HTTPConnection

from api.auth import Principal
from api.services import Services, in_thread


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
