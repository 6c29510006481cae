"""GraphQL subscriptions over a real WebSocket: a member's changes, the at-risk list and
feedback, pushed once the projections have applied them, masked for the subscriber's role."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

from domain.lifecycle import Evidence, Stage
from domain.lifecycle.stages import Assessment
from tests.api.conftest import Api, join, succeed, unique
from tests.api.live.sockets import Socket, wait_for_subscriptions

MEMBER_CHANGED = """
subscription Member($id: ID!) { memberChanged(id: $id) { id displayName email tags version } }
"""
AT_RISK_CHANGED = """
subscription { atRiskChanged { member { id email } atRisk stage previous } }
"""
FEEDBACK_CHANGED = """
subscription Feedback($filter: FeedbackFilterInput) {
  feedbackChanged(filter: $filter) { item { id text productArea status } changes }
}
"""
SUBMIT = """
mutation Submit($input: SubmitFeedbackInput!) {
  submitFeedback(input: $input) { __typename ... on FeedbackSubmitted { item { id } } }
}
"""


def test_a_member_s_change_reaches_its_subscriber_within_a_second(
    live: Api, manager_key: str
) -> None:
    member = join(live, manager_key, email=f"{unique('m')}@example.org")
    socket = Socket(live.url, manager_key)
    try:
        socket.subscribe("1", MEMBER_CHANGED, id=member["id"])
        first = socket.next_payload("1", 10)["memberChanged"]
        assert first["id"] == member["id"] and first["tags"] == []
        tag = unique("live-")
        succeed(live, "tagMember", {"memberId": member["id"], "tag": tag}, key=manager_key)
        tagged_at = time.monotonic()
        changed = socket.next_payload("1", 1.0)["memberChanged"]
        assert time.monotonic() - tagged_at < 1.0
        assert changed["tags"] == [tag] and changed["version"] == first["version"] + 1
        # Another member's change is not this subscription's.
        other = join(live, manager_key)
        succeed(live, "tagMember", {"memberId": other["id"], "tag": tag}, key=manager_key)
        assert socket.nothing_within(0.5)
    finally:
        socket.close()


def test_a_viewer_gets_the_member_without_the_personal_data_a_manager_sees(
    live: Api, manager_key: str, viewer_key: str
) -> None:
    email = f"{unique('p')}@example.org"
    member = join(live, manager_key, email=email)
    sockets = {role: Socket(live.url, key) for role, key in (("m", manager_key), ("v", viewer_key))}
    try:
        for socket in sockets.values():
            socket.subscribe("1", MEMBER_CHANGED, id=member["id"])
            socket.next_payload("1", 10)
        succeed(live, "tagMember", {"memberId": member["id"], "tag": "masked"}, key=manager_key)
        seen = {role: s.next_payload("1", 5)["memberChanged"] for role, s in sockets.items()}
        assert seen["m"]["email"] == email and seen["m"]["displayName"] is not None
        assert seen["v"]["email"] is None and seen["v"]["displayName"] is None
        assert seen["v"]["tags"] == seen["m"]["tags"] == ["masked"]
    finally:
        for socket in sockets.values():
            socket.close()


def test_at_risk_changed_fires_when_a_member_enters_and_leaves_the_list(
    live: Api, manager_key: str, viewer_key: str
) -> None:
    member = join(live, manager_key, email=f"{unique('r')}@example.org")
    manager, viewer = Socket(live.url, manager_key), Socket(live.url, viewer_key)
    try:
        wait_for_subscriptions(live, 0)
        manager.subscribe("r", AT_RISK_CHANGED)
        viewer.subscribe("r", AT_RISK_CHANGED)
        wait_for_subscriptions(live, 2)
        _judge(live, member["id"], Stage.AT_RISK)
        entered = manager.next_payload("r", 5)["atRiskChanged"]
        assert entered["member"]["id"] == member["id"]
        assert entered["atRisk"] is True and entered["stage"] == "AT_RISK"
        assert entered["member"]["email"] is not None
        assert viewer.next_payload("r", 5)["atRiskChanged"]["member"]["email"] is None
        _judge(live, member["id"], Stage.ACTIVE)
        left = manager.next_payload("r", 5)["atRiskChanged"]
        assert left["atRisk"] is False and left["previous"] == "AT_RISK"
        assert left["stage"] == "ACTIVE"
        # A stage change that neither enters nor leaves the list is not announced.
        _judge(live, member["id"], Stage.INACTIVE)
        assert manager.nothing_within(0.5)
    finally:
        manager.close()
        viewer.close()


def test_feedback_changed_sends_only_the_items_its_filter_lists(
    live: Api, manager_key: str
) -> None:
    author = join(live, manager_key)
    area = unique("area-")
    socket = Socket(live.url, manager_key)
    try:
        wait_for_subscriptions(live, 0)
        socket.subscribe("f", FEEDBACK_CHANGED, filter={"productAreas": [area]})
        wait_for_subscriptions(live, 1)
        ignored = _submit(live, manager_key, author["id"], unique("elsewhere-"))
        wanted = _submit(live, manager_key, author["id"], area)
        entry = socket.next_payload("f", 5)["feedbackChanged"]
        assert entry["item"]["id"] == wanted != ignored
        assert entry["item"]["productArea"] == area and entry["changes"] == ["SUBMITTED"]
        assert socket.nothing_within(0.5)
    finally:
        socket.close()


def _judge(live: Api, member_id: str, stage: Stage) -> None:
    """The lifecycle's verdict on the member, recorded as the evaluation does."""
    community = live.services.community
    member = community.get_member(UUID(member_id))
    now = datetime.now(UTC)
    evidence = Evidence(7.0, 0.0, now - timedelta(days=30), 30, 2.0)
    member.change_stage(Assessment(stage, evidence, "test", "judged"), now)
    community.save(member)


def _submit(live: Api, key: str, author_id: str, area: str) -> str:
    item = {
        "authorId": author_id,
        "channel": "DISCORD",
        "kind": "IDEA",
        "text": unique("Push it "),
        "productArea": area,
    }
    body = live.graphql(SUBMIT, {"input": item}, key=key)
    assert body["data"]["submitFeedback"]["__typename"] == "FeedbackSubmitted", body
    item_id: str = body["data"]["submitFeedback"]["item"]["id"]
    return item_id
