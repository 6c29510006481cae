"""feedbackItems over real HTTP: orders, filters, pages and refusals (see items_world.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.feedback.conftest import refused
from tests.api.feedback.items_world import ITEMS, NOW, admin, ids, items, named, world

__all__ = ["admin", "world"]  # module fixtures


def test_newest_first(feedback_api: Api, admin: str, world: dict[str, str]) -> None:
    """The default order: submitted, newest first."""
    assert ids(items(feedback_api, admin)) == named(world, "four", "three", "two", "one")


def test_most_supported_counts_unique_members_across_the_group(
    feedback_api: Api, admin: str, world: dict[str, str]
) -> None:
    """three (3), then two and four (2 each, larger id first), then one (1)."""
    found = items(feedback_api, admin, order="MOST_SUPPORTED")
    tied = sorted(named(world, "two", "four"), reverse=True)
    assert ids(found) == [world["three"], *tied, world["one"]]
    counts = {e["node"]["id"]: e["node"]["uniqueMembers"] for e in found["edges"]}
    assert counts == {world["three"]: 3, world["two"]: 2, world["four"]: 2, world["one"]: 1}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"statuses": ["OPEN"]}, ["four", "three", "two", "one"]),
        ({"statuses": ["ANSWERED", "SHIPPED"]}, []),
        ({"kinds": ["FEATURE_REQUEST"]}, ["four", "two"]),
        ({"productAreas": ["billing"]}, ["one"]),
        ({"teams": ["discovery"]}, ["two"]),
        ({"text": "SEARCH partial"}, ["four", "two"]),
        ({"text": "dashboard mode"}, ["three"]),
        ({"text": "absent"}, []),
        ({"unansweredForHours": 12}, ["three", "two"]),
        ({"duplicates": False}, ["three", "two", "one"]),
        ({"duplicates": True}, ["four"]),
        ({"kinds": ["FEATURE_REQUEST"], "duplicates": False}, ["two"]),
    ],
)
def test_filters(
    feedback_api: Api,
    admin: str,
    world: dict[str, str],
    where: dict[str, Any],
    expected: list[str],
) -> None:
    """Each filter alone, and two together."""
    assert ids(items(feedback_api, admin, filter=where)) == named(world, *expected)


def test_filter_by_member_and_date(feedback_api: Api, admin: str, world: dict[str, str]) -> None:
    """A member's items are those they gave or supported; dates are [from, to)."""
    by_s = items(feedback_api, admin, filter={"memberId": world["s"]})
    assert ids(by_s) == named(world, "four", "three")
    by_a = items(feedback_api, admin, filter={"memberId": world["a"]})
    assert ids(by_a) == named(world, "three", "one")
    span = {
        "submittedFrom": (NOW - timedelta(days=2, hours=1)).isoformat(),
        "submittedTo": (NOW - timedelta(hours=2)).isoformat(),
    }
    assert ids(items(feedback_api, admin, filter=span)) == named(world, "three", "two")


def test_pages_follow_each_other(feedback_api: Api, admin: str, world: dict[str, str]) -> None:
    """Two pages of two, in order, with no item twice; the last says nothing follows."""
    first = items(feedback_api, admin, first=2)
    assert ids(first) == named(world, "four", "three")
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    rest = items(feedback_api, admin, first=2, after=first["pageInfo"]["endCursor"])
    assert ids(rest) == named(world, "two", "one")
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": rest["edges"][0]["cursor"],
        "endCursor": rest["edges"][1]["cursor"],
    }
    supported = items(feedback_api, admin, order="MOST_SUPPORTED", first=1)
    after = supported["pageInfo"]["endCursor"]
    second = items(feedback_api, admin, order="MOST_SUPPORTED", first=3, after=after)
    assert ids(supported) + ids(second) == ids(items(feedback_api, admin, order="MOST_SUPPORTED"))


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "first must be between 1 and 100"),
        ({"first": 101}, "first must be between 1 and 100"),
        ({"after": "garbage"}, "after: not a cursor handed out by this list"),
        ({"filter": {"memberId": "nobody"}}, "filter.memberId: not a member id (a UUID)"),
        (
            {
                "filter": {
                    "submittedFrom": "2026-02-01T00:00:00Z",
                    "submittedTo": "2026-01-01T00:00:00Z",
                }
            },
            "filter.submittedFrom: must not be after submittedTo",
        ),
        (
            {"filter": {"submittedTo": "2026-01-01T00:00:00"}},
            "filter.submittedTo: must include a timezone offset",
        ),
        ({"filter": {"text": "x" * 201}}, "filter.text: at most 200 characters, no NUL"),
        (
            {"filter": {"unansweredForHours": -1}},
            "filter.unansweredForHours: must be between 0 and 87840",
        ),
        (
            {"filter": {"productAreas": [""]}},
            "filter.productAreas: each value 1 to 100 characters, no NUL",
        ),
        ({"filter": {"teams": ["t"] * 51}}, "filter.teams: at most 50 values"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(
    feedback_api: Api, admin: str, variables: dict[str, Any], message: str
) -> None:
    """Checked at the edge: BAD_USER_INPUT saying which argument and why."""
    assert refused(feedback_api, ITEMS, admin, **variables) == message


def test_a_cursor_of_another_order_is_refused(feedback_api: Api, admin: str) -> None:
    """A NEWEST cursor means nothing in the MOST_SUPPORTED order."""
    newest = items(feedback_api, admin, first=1)["pageInfo"]["endCursor"]
    message = refused(feedback_api, ITEMS, admin, order="MOST_SUPPORTED", after=newest)
    assert message == "after: this cursor belongs to another order or list"
