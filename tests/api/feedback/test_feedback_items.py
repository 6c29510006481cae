"""feedbackItems, feedbackItem, member.feedback and node(id:) over real HTTP.

Four items on this module's own server (newest last):
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
from domain.interactions.commands import RecordInteraction
from tests.api.conftest import Api, unique
from tests.api.feedback.conftest import Desk, member, query, refused

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
DETAIL = f"""
query One($id: ID!) {{
  feedbackItem(id: $id) {{
    {ITEM} globalId
    author {{ id }}
    history {{ change at actorId detail }}
    duplicates {{ id uniqueMembers }}
    supporters {{ memberId member {{ id }} importance supportedAt stage engagementScore }}
  }}
}}
"""
MEMBER_FEEDBACK = """
query Asked($id: ID!) { member(id: $id) { feedback { relation item { id status } } } }
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


def test_one_item_with_its_history_duplicates_and_supporters(
    feedback_api: Api, admin: str, world: dict[str, str]
) -> None:
    """two: triaged, with four as its duplicate; three: two supporters, their importance."""
    two = query(feedback_api, DETAIL, admin, id=world["two"])["feedbackItem"]
    assert two["priority"] == "HIGH" and two["team"] == "discovery"
    assert two["duplicateCount"] == 1 and two["uniqueMembers"] == 2
    assert two["duplicates"] == [{"id": world["four"], "uniqueMembers": 2}]
    changes = [h["change"] for h in two["history"]]
    assert changes[:2] == ["SUBMITTED", "TRIAGED"] and "GROUP_CHANGED" in changes
    assert two["author"] == {"id": world["b"]}
    three = query(feedback_api, DETAIL, admin, id=world["three"])["feedbackItem"]
    supporters = {s["memberId"]: s for s in three["supporters"]}
    assert set(supporters) == {world["s"], world["t"]}
    assert supporters[world["s"]]["importance"] == "CRITICAL"
    assert supporters[world["t"]]["importance"] == "UNKNOWN"
    assert supporters[world["s"]]["member"] == {"id": world["s"]}
    assert three["weightedSupport"] == 1 + 3 + 1
    one = query(feedback_api, DETAIL, admin, id=world["one"])["feedbackItem"]
    assert one["timeToFirstResponseSeconds"] == 3600
    assert one["loopOwed"] == 1 and one["loopClosed"] == 0 and one["loopCoverage"] == 0


def test_supporters_show_their_engagement(
    feedback_api: Api, admin: str, world: dict[str, str]
) -> None:
    """A new supporter who interacted has a stage and a score; one who never did, no score."""
    report = feedback_api.services.community.record_interactions(
        [
            RecordInteraction(
                member_id=UUID(world["s"]),
                channel="github",
                kind="pull_request",
                occurred_at=NOW - timedelta(hours=2),
                external_id=unique("pr-"),
            )
        ],
        create_unknown_members=False,
    )
    assert feedback_api.services.wait_for("engagement", report.position)
    feedback_api.services.use_cases.evaluation.evaluate(datetime.now(UTC))
    head = feedback_api.services.community.recorder.max_notification_id()
    assert feedback_api.services.wait_for("lifecycle", head)
    three = query(feedback_api, DETAIL, admin, id=world["three"])["feedbackItem"]
    found = {s["memberId"]: (s["stage"], s["engagementScore"]) for s in three["supporters"]}
    stage, score = found[world["s"]]
    assert stage == "NEW" and score > 0
    assert found[world["t"]][1] is None


def test_unknown_and_malformed_ids(feedback_api: Api, admin: str) -> None:
    """An unknown id is null; a malformed one is refused."""
    assert query(feedback_api, DETAIL, admin, id=str(UUID(int=7)))["feedbackItem"] is None
    message = refused(feedback_api, DETAIL, admin, id="nope")
    assert message == "id: not a feedback item id (a UUID)"


def test_node_fetches_an_item_by_global_id(
    feedback_api: Api, admin: str, world: dict[str, str]
) -> None:
    """node(id:) answers the item feedbackItem(id:) answers."""
    global_id = query(feedback_api, DETAIL, admin, id=world["one"])["feedbackItem"]["globalId"]
    document = "query($id: ID!) { node(id: $id) { ... on FeedbackItem { id kind } } }"
    node = query(feedback_api, document, admin, id=global_id)["node"]
    assert node == {"id": world["one"], "kind": "BUG"}


def test_member_feedback_lists_what_they_asked_for_and_supported(
    feedback_api: Api, world: dict[str, str]
) -> None:
    """Newest first, as author or supporter, with each item's status; for every role."""
    key = feedback_api.key(Role.VIEWER)
    asked = query(feedback_api, MEMBER_FEEDBACK, key, id=world["s"])["member"]["feedback"]
    assert asked == [
        {"relation": "SUPPORTER", "item": {"id": world["four"], "status": "OPEN"}},
        {"relation": "SUPPORTER", "item": {"id": world["three"], "status": "OPEN"}},
    ]
    gave = query(feedback_api, MEMBER_FEEDBACK, key, id=world["a"])["member"]["feedback"]
    assert [(g["relation"], g["item"]["id"]) for g in gave] == [
        ("AUTHOR", world["three"]),
        ("AUTHOR", world["one"]),
    ]


def test_the_authors_of_a_page_are_read_together(
    feedback_api: Api, admin: str, world: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One read of members for a page's authors, not one per item."""
    members = feedback_api.services.members
    reads: list[list[UUID]] = []
    by_ids = members.by_ids

    def counted(ids: list[UUID]) -> Any:
        reads.append(list(ids))
        return by_ids(ids)

    monkeypatch.setattr(members, "by_ids", counted)
    found = query(feedback_api, "{ feedbackItems { edges { node { author { id } } } } }", admin)
    authors = [e["node"]["author"]["id"] for e in found["feedbackItems"]["edges"]]
    assert authors == [world["b"], world["a"], world["b"], world["a"]]
    assert len(reads) == 1 and set(reads[0]) == {UUID(world["a"]), UUID(world["b"])}


def test_bounded_lists_of_an_item_and_a_member(
    feedback_api: Api, admin: str, world: dict[str, str]
) -> None:
    """supporters(first:) and member.feedback(first:) take 1 to 500, and cut the list."""
    document = (
        "query($id: ID!, $n: Int!) { feedbackItem(id: $id) { supporters(first: $n) { memberId } } }"
    )
    one = query(feedback_api, document, admin, id=world["three"], n=1)
    assert len(one["feedbackItem"]["supporters"]) == 1
    message = refused(feedback_api, document, admin, id=world["three"], n=0)
    assert message == "first must be between 1 and 500"
    asked = "query($id: ID!, $n: Int!) { member(id: $id) { feedback(first: $n) { relation } } }"
    assert len(query(feedback_api, asked, admin, id=world["s"], n=1)["member"]["feedback"]) == 1
    assert refused(feedback_api, asked, admin, id=world["s"], n=501) == (
        "first must be between 1 and 500"
    )


def test_voice_orders_by_support_weighted_by_engagement(
    feedback_api: Api, admin: str, world: dict[str, str]
) -> None:
    """After a voice refresh: highest voice first (ties by id), and pages continue the order."""
    feedback_api.services.feedback.refresh_voice()
    found = items(feedback_api, admin, order="VOICE")
    nodes = [e["node"] for e in found["edges"]]
    expected = sorted(nodes, key=lambda n: (n["voice"], n["id"]), reverse=True)
    assert ids(found) == [n["id"] for n in expected]
    voices = {n["id"]: n["voice"] for n in nodes}
    assert voices[world["three"]] > voices[world["one"]] > 0
    first = items(feedback_api, admin, order="VOICE", first=2)
    rest = items(feedback_api, admin, order="VOICE", after=first["pageInfo"]["endCursor"])
    assert ids(first) + ids(rest) == ids(found)
