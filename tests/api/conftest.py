"""A real HTTP server (uvicorn on a free port) over a database of this test run."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from api.auth import ApiKeys, Role
from api.services import Services
from application.runtime import Runtime
from projections.positions import head_of_log
from projections.registry import projection_names
from tests.conftest import create_database, drop_database, test_settings


@dataclass
class Api:
    """The running server: its URL, its services, and a client."""

    url: str
    services: Services
    client: httpx.Client
    # The served app: its state holds what the lifespan built (app.state.live).
    app: FastAPI | None = None

    def key(self, role: Role) -> str:
        """A new API key of this role."""
        return self.services.api_keys.create(name=f"test-{role.value}", role=role).secret

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str | None
    ) -> dict[str, Any]:
        """POST a GraphQL document; returns the decoded JSON body (asserting HTTP 200)."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        response = self.client.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve an app with uvicorn on a free port in a thread; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def served_api(
    server_url: str,
    template_database: str,
    *,
    prepare: Callable[[str], object] | None = None,
    **settings: object,
) -> Iterator[Api]:
    """The app on a database of its own (first given to `prepare`), served by uvicorn."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}_api"
    url = create_database(server_url, name, template=template_database)
    if prepare is not None:
        prepare(url)
    runtime = Runtime.start(test_settings(url, **settings))
    services = Services.build(runtime, run_projections=True)
    app = create_app(services=services)
    try:
        with serving(app) as base, httpx.Client(timeout=30) as client:
            yield Api(base, services, client, app)
    finally:
        services.close()
        drop_database(server_url, name)


@pytest.fixture(scope="session")
def api(server_url: str, template_database: str) -> Iterator[Api]:
    """uvicorn serving the app in a thread, with projections running in-process."""
    with served_api(server_url, template_database) as served:
        yield served


@pytest.fixture(scope="session")
def admin_key(api: Api) -> str:
    """An admin's key."""
    return api.key(Role.ADMIN)


@pytest.fixture(scope="session")
def viewer_key(api: Api) -> str:
    """A viewer's key: reads without personal data, writes nothing."""
    return api.key(Role.VIEWER)


def unique(prefix: str) -> str:
    """Test data unique to one test, instead of truncating tables between tests."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


MEMBER_FIELDS = """
  id displayName email status joinedAt sourceChannel attributes tags channels
  identities { channel handle linkedAt }
  isStaff isBot leftAt erasedAt version updatedAt personalDataHidden
"""

_ERROR_FIELDS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field message code } }
  ... on Conflict { code conflictingMemberId currentVersion }
  ... on Forbidden { requiredRoles }
"""


def mutation_document(name: str, input_type: str) -> str:
    """A mutation document asking for the result's type, the member, and any error details."""
    return f"""
mutation Run($input: {input_type}!) {{
  {name}(input: $input) {{
    __typename
    ... on {_success_type(name)} {{ member {{ {MEMBER_FIELDS} }} }}
    {_ERROR_FIELDS}
    {"" if name == "joinMember" else "... on NotFound { id }"}
  }}
}}
"""


_INPUT_TYPES = {
    "joinMember": ("JoinMemberInput", "MemberJoined"),
    "updateMemberProfile": ("UpdateMemberProfileInput", "MemberProfileUpdated"),
    "linkIdentity": ("MemberIdentityInput", "IdentityLinked"),
    "unlinkIdentity": ("MemberIdentityInput", "IdentityUnlinked"),
    "tagMember": ("MemberTagInput", "MemberTagged"),
    "untagMember": ("MemberTagInput", "MemberUntagged"),
    "markMemberAsStaff": ("MemberFlagInput", "StaffFlagSet"),
    "markMemberAsBot": ("MemberFlagInput", "BotFlagSet"),
    "markMemberLeft": ("MarkMemberLeftInput", "MemberMarkedLeft"),
    "rejoinMember": ("RejoinMemberInput", "MemberRejoined"),
    "eraseMember": ("EraseMemberInput", "MemberErased"),
}


def _success_type(name: str) -> str:
    return _INPUT_TYPES[name][1]


def mutate(api: Api, name: str, input: dict[str, Any], *, key: str) -> dict[str, Any]:
    """Run one member mutation and return its result (asserting no top-level errors)."""
    body = api.graphql(mutation_document(name, _INPUT_TYPES[name][0]), {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def succeed(api: Api, name: str, input: dict[str, Any], *, key: str) -> dict[str, Any]:
    """Run a mutation that must succeed, and return the member it answers with."""
    result = mutate(api, name, input, key=key)
    assert result["__typename"] == _success_type(name), result
    member: dict[str, Any] = result["member"]
    return member


def join(api: Api, key: str, **fields: Any) -> dict[str, Any]:
    """Join a member (display name unique unless given) and return it as answered."""
    fields.setdefault("displayName", unique("Member "))
    return succeed(api, "joinMember", fields, key=key)


MEMBER_QUERY = f"query One($id: ID!) {{ member(id: $id) {{ {MEMBER_FIELDS} }} }}"


def read_member(api: Api, member_id: str, *, key: str) -> dict[str, Any] | None:
    """The member query's answer for an id (None when unknown)."""
    body = api.graphql(MEMBER_QUERY, {"id": member_id}, key=key)
    assert "errors" not in body, body
    member: dict[str, Any] | None = body["data"]["member"]
    return member


__all__ = [
    "MEMBER_FIELDS",
    "Api",
    "ApiKeys",
    "join",
    "mutate",
    "mutation_document",
    "read_member",
    "succeed",
    "unique",
]


def settle(api: Api) -> None:
    """Wait until every projection has read the whole log, so reads show what was written."""
    head = head_of_log(api.services.pool)
    for name in projection_names():
        assert api.services.watcher.wait_for(name, head, 20), f"{name} did not catch up"
