"""feedbackItem, member.feedback and node(id:) over real HTTP (see items_world.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from domain.interactions.commands import RecordInteraction
from tests.api.conftest import Api, unique
from tests.api.feedback.conftest import query, refused
from tests.api.feedback.items_world import ITEM, NOW, admin, ids, items, world

__all__ = ["admin", "world"]  # module fixtures

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
