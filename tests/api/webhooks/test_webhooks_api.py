"""Webhooks end to end: GraphQL documents over HTTP, a real receiver on 127.0.0.1, and the
deliverer running in the app's process."""

from __future__ import annotations

import time
from typing import Any

from api.auth import Role
from domain.webhooks.signing import verify
from tests.api.conftest import Api, join, succeed
from tests.api.webhooks.conftest import create, subscribe
from tests.webhook_receiver import Received, Receiver

DELIVERIES = """
query Deliveries($id: ID!, $status: WebhookDeliveryStatus, $first: Int!, $after: String) {
  webhookDeliveries(subscriptionId: $id, status: $status, first: $first, after: $after) {
    edges { node { idempotencyKey position eventType status attempts lastStatusCode
                   lastError replayed subjectId } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CHANGE = """
mutation Change($input: WebhookSubscriptionInput!) {
  pause: pauseWebhookSubscription(input: $input) { __typename }
}
"""
REPLAY = """
mutation Replay($input: ReplayWebhookDeliveriesInput!) {
  replayWebhookDeliveries(input: $input) {
    __typename
    ... on WebhookDeliveriesReplayed { count fromPosition upToPosition }
    ... on Error { message }
  }
}
"""


def _about(received: list[Received], member_id: str) -> list[Received]:
    return [r for r in received if r.json["data"].get("memberId") == member_id]


def _wait_about(receiver: Receiver, path: str, member_id: str, count: int = 1) -> list[Received]:
    deadline = time.monotonic() + 20
    while len(found := _about(receiver.at(path), member_id)) < count:
        assert time.monotonic() < deadline, f"{path}: {len(found)} of {count} for {member_id}"
        time.sleep(0.02)
    return found


def _subscription_mutation(api: Api, key: str, name: str, sid: str) -> dict[str, Any]:
    document = CHANGE.replace("pauseWebhookSubscription", name)
    body = api.graphql(document, {"input": {"subscriptionId": sid}}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["pause"]
    return result


def _deliveries(api: Api, key: str, sid: str, **args: Any) -> dict[str, Any]:
    body = api.graphql(DELIVERIES, {"id": sid, "first": 50, **args}, key=key)
    assert "errors" not in body, body
    page: dict[str, Any] = body["data"]["webhookDeliveries"]
    return page


def test_signatures_verify_and_the_receivers_role_decides_the_personal_data(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    admin = subscribe(
        hooks, hooks_admin, f"{receiver.url}/admin", eventTypes=["member.joined"], role="ADMIN"
    )
    subscribe(hooks, hooks_admin, f"{receiver.url}/viewer", eventTypes=["member.joined"])
    member = join(hooks, hooks_admin, displayName="Ada Hook", email="ada.hook@example.org")

    (got,) = _wait_about(receiver, "/admin", member["id"])
    signature = got.headers["X-CRM-Signature"]
    assert verify(admin["secret"], signature, got.body, now=int(time.time()))
    assert not verify(admin["secret"] + "x", signature, got.body, now=int(time.time()))
    assert got.headers["Idempotency-Key"] == got.json["id"]
    assert got.headers["X-CRM-Event"] == "member.joined"
    assert got.json["type"] == "member.joined" and got.json["version"] == 1
    assert got.json["subscriptionId"] == admin["subscription"]["id"]
    data = got.json["data"]
    assert data["displayName"] == "Ada Hook" and data["email"] == "ada.hook@example.org"
    assert data["personalDataHidden"] is False and data["sourceChannel"] == "other" or data

    (seen,) = _wait_about(receiver, "/viewer", member["id"])
    hidden = seen.json["data"]
    assert hidden["displayName"] is None and hidden["email"] is None
    assert hidden["personalDataHidden"] is True and hidden["memberId"] == member["id"]


def test_a_receiver_answering_500_then_200_gets_the_delivery_exactly_once_more(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    member = join(hooks, hooks_admin)
    receiver.statuses["/flaky"] = [500]
    sub = subscribe(
        hooks,
        hooks_admin,
        f"{receiver.url}/flaky",
        eventTypes=["member.left"],
        filter={"memberIds": [member["id"]]},
    )
    succeed(hooks, "markMemberLeft", {"memberId": member["id"]}, key=hooks_admin)
    first, second = receiver.wait_for("/flaky", 2)
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"]
    assert (first.headers["X-CRM-Delivery-Attempt"], second.headers["X-CRM-Delivery-Attempt"]) == (
        "1",
        "2",
    )
    time.sleep(1.0)  # five times the longest backoff: a third attempt would have come
    assert len(receiver.at("/flaky")) == 2
    (edge,) = _deliveries(hooks, hooks_admin, sub["subscription"]["id"])["edges"]
    assert edge["node"]["status"] == "DELIVERED" and edge["node"]["attempts"] == 2
    assert edge["node"]["lastStatusCode"] == 200


def test_replay_from_a_position_sends_exactly_that_range_again(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    sub = subscribe(hooks, hooks_admin, f"{receiver.url}/replay", eventTypes=["member.joined"])
    sid = sub["subscription"]["id"]
    members = [join(hooks, hooks_admin)["id"] for _ in range(4)]
    originals = receiver.wait_for("/replay", 4)
    positions = sorted(r.json["position"] for r in originals)
    assert {r.json["data"]["memberId"] for r in originals} == set(members)

    body = hooks.graphql(
        REPLAY,
        {"input": {"subscriptionId": sid, "fromPosition": str(positions[2])}},
        key=hooks_admin,
    )
    replayed = body["data"]["replayWebhookDeliveries"]
    assert replayed == {
        "__typename": "WebhookDeliveriesReplayed",
        "count": 2,
        "fromPosition": str(positions[2]),
        "upToPosition": str(positions[3]),
    }
    again = receiver.wait_for("/replay", 6)[4:]
    assert sorted(r.json["position"] for r in again) == positions[2:]
    assert all(r.headers["X-CRM-Replay"] == "true" for r in again)
    keys = {r.json["position"]: r.headers["Idempotency-Key"] for r in originals}
    assert all(keys[r.json["position"]] == r.headers["Idempotency-Key"] for r in again)
    time.sleep(0.5)
    assert len(receiver.at("/replay")) == 6


def test_a_paused_subscription_gets_nothing_until_resumed_then_what_it_missed(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    sub = subscribe(hooks, hooks_admin, f"{receiver.url}/paused", eventTypes=["member.joined"])
    sid = sub["subscription"]["id"]
    paused = _subscription_mutation(hooks, hooks_admin, "pauseWebhookSubscription", sid)
    assert paused["__typename"] == "WebhookSubscriptionPaused"
    members = [join(hooks, hooks_admin)["id"] for _ in range(2)]
    deadline = time.monotonic() + 10
    while len(_deliveries(hooks, hooks_admin, sid, status="PENDING")["edges"]) < 2:
        assert time.monotonic() < deadline, "the paused subscription collected nothing"
        time.sleep(0.05)
    time.sleep(0.5)
    assert receiver.at("/paused") == []

    resumed = _subscription_mutation(hooks, hooks_admin, "resumeWebhookSubscription", sid)
    assert resumed["__typename"] == "WebhookSubscriptionResumed"
    got = receiver.wait_for("/paused", 2)
    # Order holds per member; two members' deliveries may arrive side by side.
    assert sorted(r.json["data"]["memberId"] for r in got) == sorted(members)


def test_an_erased_members_deliveries_are_sent_again_without_their_data(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    types = ["member.joined", "member.erased"]
    sub = subscribe(hooks, hooks_admin, f"{receiver.url}/erased", eventTypes=types, role="ADMIN")
    member = join(hooks, hooks_admin, displayName="Gone Soon", email="gone@example.org")
    (joined,) = _wait_about(receiver, "/erased", member["id"])
    assert joined.json["data"]["email"] == "gone@example.org"
    succeed(hooks, "eraseMember", {"memberId": member["id"]}, key=hooks_admin)
    erased = _wait_about(receiver, "/erased", member["id"], 2)[1]
    assert erased.json["type"] == "member.erased"

    input = {
        "subscriptionId": sub["subscription"]["id"],
        "fromPosition": str(joined.json["position"]),
    }
    hooks.graphql(REPLAY, {"input": input}, key=hooks_admin)
    replayed = _wait_about(receiver, "/erased", member["id"], 4)[2]
    assert replayed.json["type"] == "member.joined"
    assert replayed.json["data"]["displayName"] is None
    assert replayed.json["data"]["email"] is None


def test_deliveries_page_newest_first_and_filter_by_status(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    sub = subscribe(hooks, hooks_admin, f"{receiver.url}/paging", eventTypes=["member.joined"])
    sid = sub["subscription"]["id"]
    for _ in range(3):
        join(hooks, hooks_admin)
    receiver.wait_for("/paging", 3)
    deadline = time.monotonic() + 10
    while len(_deliveries(hooks, hooks_admin, sid, status="DELIVERED")["edges"]) < 3:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first = _deliveries(hooks, hooks_admin, sid, first=2)
    rest = _deliveries(hooks, hooks_admin, sid, first=2, after=first["pageInfo"]["endCursor"])
    positions = [int(e["node"]["position"]) for e in first["edges"] + rest["edges"]]
    assert positions == sorted(positions, reverse=True) and len(positions) == 3
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert _deliveries(hooks, hooks_admin, sid, status="FAILED")["edges"] == []


def test_refused_addresses_and_bad_input_name_the_field(hooks: Api, hooks_admin: str) -> None:
    def field_error(**input: Any) -> tuple[str, str]:
        result = create(hooks, hooks_admin, **input)
        assert result["__typename"] == "ValidationFailed", result
        error = result["fieldErrors"][0]
        return error["field"], error["code"]

    # Loopback is allowed here (the tests' receivers), link-local never.
    assert field_error(url="http://169.254.169.254/latest") == ("url", "ADDRESS_REFUSED")
    assert field_error(url="http://[::]:80/") == ("url", "ADDRESS_REFUSED")
    assert field_error(url="https://no-such-host.invalid/") == ("url", "HOST_NOT_RESOLVED")
    assert field_error(url="ftp://example.org/")[0] == "url"
    assert field_error(url="https://x.org/", eventTypes=["member.teleported"])[0] == "eventTypes"
    assert field_error(url="https://x.org/", secret="short")[0] == "secret"
    assert field_error(url="https://x.org/", filter={"memberIds": ["nope"]})[0].startswith(
        "filter.memberIds"
    )


def test_private_addresses_are_refused_where_not_configured(api: Api, admin_key: str) -> None:
    for url in (
        "http://127.0.0.1:9/in",
        "http://[::1]/in",
        "http://10.0.0.1/",
        "http://localhost/",
    ):
        result = create(api, admin_key, url=url)
        assert result["__typename"] == "ValidationFailed", (url, result)
        assert result["fieldErrors"][0]["field"] == "url"
        assert result["fieldErrors"][0]["code"] == "ADDRESS_REFUSED", (url, result)


def test_only_admins_manage_and_read_webhooks(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    sub = subscribe(hooks, hooks_admin, f"{receiver.url}/roles", secret="s" * 20)
    listed = hooks.graphql("{ webhookSubscriptions { id url status } }", key=hooks_admin)["data"][
        "webhookSubscriptions"
    ]
    assert {
        "id": sub["subscription"]["id"],
        "url": f"{receiver.url}/roles",
        "status": "ACTIVE",
    } in listed
    for role in (Role.MANAGER, Role.PRODUCT, Role.VIEWER):
        key = hooks.key(role)
        result = create(hooks, key, url=f"{receiver.url}/roles")
        assert result == {
            "__typename": "Forbidden",
            "message": result["message"],
            "requiredRoles": ["admin"],
        }
        body = hooks.graphql("{ webhookSubscriptions { id } }", key=key)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = hooks.graphql(DELIVERIES, {"id": sub["subscription"]["id"], "first": 1}, key=key)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        paused = _subscription_mutation(
            hooks, key, "pauseWebhookSubscription", sub["subscription"]["id"]
        )
        assert paused["__typename"] == "Forbidden"
    unknown = _subscription_mutation(
        hooks, hooks_admin, "deleteWebhookSubscription", "00000000-0000-4000-8000-000000000000"
    )
    assert unknown["__typename"] == "NotFound"
    deleted = _subscription_mutation(
        hooks, hooks_admin, "deleteWebhookSubscription", sub["subscription"]["id"]
    )
    assert deleted["__typename"] == "WebhookSubscriptionDeleted"
    again = _subscription_mutation(
        hooks, hooks_admin, "resumeWebhookSubscription", sub["subscription"]["id"]
    )
    assert again["__typename"] == "Conflict"
