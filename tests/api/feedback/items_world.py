"""The feedback API tests' little world: four items on each test module's own server.

Newest last:
  one   by A, bug on billing, answered after an hour              (3 days ago)
  two   by B, feature request on search, team discovery          (2 days ago)
  three by A, idea on search, supported by S (critical) and T    (1 day ago)
  four  by B, feature request on search, supported by S, a duplicate of two (1 hour ago)
Unique members: three 3 (A, S, T); two 2 (B, and S through four); four 2 (B, S); one 1.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from domain.feedback.workflow import FeedbackKind, Importance, Priority
from tests.api.conftest import Api
from tests.api.feedback.conftest import Desk, member, query

NOW = datetime.now(UTC)
ITEM = """
id authorId kind text productArea team status priority submittedAt firstResponseAt
timeToFirstResponseSeconds duplicateOf duplicateCount supporterCount uniqueMembers
weightedSupport voice loopClosed loopOwed loopCoverage authorErased version
"""
ITEMS = f"""
query Items($filter: FeedbackFilterInput, $order: FeedbackOrder! = NEWEST, $first: Int! = 50,
            $after: String) {{
  feedbackItems(filter: $filter, orderBy: $order, first: $first, after: $after) {{
    edges {{ cursor node {{ {ITEM} }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
  }}
}}
"""


@pytest.fixture(scope="module")
def admin(feedback_api: Api) -> str:
    """An admin key of this module's server."""
    return feedback_api.key(Role.ADMIN)


@pytest.fixture(scope="module")
def world(feedback_api: Api, desk: Desk, admin: str) -> dict[str, str]:
    """The members and items of the module docstring, by name."""
    names = {n: member(feedback_api, admin) for n in ("a", "b", "s", "t", "staff")}
    a, b, s, t = (UUID(names[n]) for n in "abst")
    one = desk.submit(
        names["a"],
        text="The export button crashes on large files",
        product_area="billing",
        submitted_at=NOW - timedelta(days=3),
    )
    two = desk.submit(
        names["b"],
        kind=FeedbackKind.FEATURE_REQUEST,
        text="Search should match partial words",
        product_area="search",
        submitted_at=NOW - timedelta(days=2),
    )
    three = desk.submit(
        names["a"],
        kind=FeedbackKind.IDEA,
        text="Dark mode for the dashboard",
        product_area="search",
        submitted_at=NOW - timedelta(days=1),
    )
    four = desk.submit(
        names["b"],
        kind=FeedbackKind.FEATURE_REQUEST,
        text="Partial word search please",
        product_area="search",
        submitted_at=NOW - timedelta(hours=1),
    )
    desk.act(
        one,
        lambda i: i.respond(
            responder_id=UUID(names["staff"]),
            channel="forum",
            responded_at=NOW - timedelta(days=3) + timedelta(hours=1),
            now=datetime.now(UTC),
            by_staff=True,
        ),
    )
    desk.act(
        two, lambda i: i.triage(product_area="search", priority=Priority.HIGH, team="discovery")
    )
    desk.act(three, lambda i: i.support(s, Importance.CRITICAL), lambda i: i.support(t))
    desk.act(four, lambda i: i.support(s, Importance.NICE_TO_HAVE))
    desk.act(four, lambda i: i.mark_duplicate(UUID(two), marked_by=UUID(names["staff"])))
    assert a and b
    return {**names, "one": one, "two": two, "three": three, "four": four}


def items(api: Api, key: str, **variables: Any) -> dict[str, Any]:
    """The feedbackItems connection."""
    found: dict[str, Any] = query(api, ITEMS, key, **variables)["feedbackItems"]
    return found


def ids(connection: dict[str, Any]) -> list[str]:
    """The item ids of a page, in order."""
    return [edge["node"]["id"] for edge in connection["edges"]]


def named(world: dict[str, str], *names: str) -> list[str]:
    """Item ids by their names in the module docstring."""
    return [world[name] for name in names]
