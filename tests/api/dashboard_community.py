"""A small community for the dashboard's tests, and signing in as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx

from projections.positions import head_of_log
from projections.registry import projection_names
from tests.api.conftest import Api, join, unique

XSS_NAME = "<script>alert(1)</script>"
XSS_EMAIL = "xss@example.org"
RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { __typename }
}
"""
# Interactions of each seeded member, a day ago: the member named like a script leads.
INTERACTIONS = {XSS_NAME: 3, "Grace": 2, "Linus": 1}


def seed(api: Api, key: str) -> dict[str, str]:
    """Join the members and record their interactions; their ids by name."""
    ids = {}
    when = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for name, count in INTERACTIONS.items():
        email = XSS_EMAIL if name == XSS_NAME else f"{name.lower()}@example.org"
        ids[name] = join(api, key, displayName=name, email=email)["id"]
        for _ in range(count):
            values = {
                "memberId": ids[name],
                "channel": "DISCORD",
                "kind": "MESSAGE",
                "occurredAt": when,
                "externalId": unique("msg-"),
            }
            body = api.graphql(RECORD, {"input": values}, key=key)
            assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded", body
    settle(api)
    return ids


def settle(api: Api) -> None:
    """Wait until every projection has read the whole log, so pages show what was written."""
    head = head_of_log(api.services.pool)
    for name in projection_names():
        assert api.services.watcher.wait_for(name, head, 20), f"{name} did not catch up"


@contextmanager
def signed_in(api: Api, key: str) -> Iterator[httpx.Client]:
    """A client holding a dashboard session cookie for this key."""
    with httpx.Client(base_url=api.url, timeout=30) as client:
        answer = client.post("/dashboard/sign-in", data={"api_key": key})
        assert answer.status_code == 303, answer.text
        yield client


def csrf_token(page: str) -> str:
    """The CSRF token of the page's sign-out form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found.group(1)
