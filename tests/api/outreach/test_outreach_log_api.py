"""The outreach log and welcome queue over HTTP: a manager's morning, the roles that see
none of it, and bad input answered with typed errors naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, join, settle, succeed, unique

RECORD = """
mutation Record($input: RecordOutreachInput!) {
  recordOutreach(input: $input) {
    __typename
    ... on OutreachRecorded {
      outreachId
      outreach { id memberId staffId channel purpose note outcome windowEndsAt memberErased
                 member { id displayName } staff { id } }
    }
    ... on Error { message }
    ... on ValidationFailed { fieldErrors { field message code } }
    ... on Conflict { code }
    ... on NotFound { id }
    ... on Forbidden { requiredRoles }
  }
}
"""
INTERACTION = """
mutation Say($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { __typename }
}
"""
QUEUE = """
query Queue($after: String, $channel: Channel) {
  newcomersToWelcome(first: 100, after: $after, channel: $channel) {
    edges { node { memberId showedUpAt channel threadRef firstSaid member { id } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
EFFECTIVENESS = """
query Effect($from: Date!, $to: Date!, $groupBy: OutreachGroupBy!) {
  outreachEffectiveness(from: $from, to: $to, groupBy: $groupBy) {
    from to groupBy replyDays
    groups { key contacted members replied returned noResponse pending replyRate returnRate }
    total { contacted pending }
    atRiskRecovery { weeks contacted { members returned returnRate }
                     notContacted { members returned returnRate } definition }
  }
}
"""
LOG = """
query Log($member: ID) {
  outreachLog(memberId: $member, first: 10) { edges { node { id note outcome } } }
}
"""
WEEKS = """
query Weeks($from: Date!, $to: Date!) {
  timeToWelcome(from: $from, to: $to) { start newcomers welcomed waiting medianHours p90Hours }
}
"""


@pytest.fixture(scope="module")
def manager_key(api: Api) -> str:
    return api.key(Role.MANAGER)


@pytest.fixture(scope="module")
def staff(api: Api, admin_key: str) -> str:
    member: str = join(api, admin_key)["id"]
    succeed(api, "markMemberAsStaff", {"memberId": member}, key=admin_key)
    return member


def record(api: Api, key: str, **input: Any) -> dict[str, Any]:
    input.setdefault("channel", "DISCORD")
    input.setdefault("purpose", "WELCOME")
    body = api.graphql(RECORD, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["recordOutreach"]
    return result


def say(api: Api, key: str, member: str, summary: str, thread: str) -> None:
    values = {
        "memberId": member,
        "channel": "DISCORD",
        "kind": "MESSAGE",
        "occurredAt": datetime.now(UTC).isoformat(),
        "externalId": unique("msg-"),
        "threadRef": thread,
        "summary": summary,
    }
    body = api.graphql(INTERACTION, {"input": values}, key=key)
    assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded", body


def queue(api: Api, key: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    after = None
    while True:
        body = api.graphql(QUEUE, {"after": after, "channel": "DISCORD"}, key=key)
        assert "errors" not in body, body
        page = body["data"]["newcomersToWelcome"]
        found |= {e["node"]["memberId"]: e["node"] for e in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_the_manager_s_morning(api: Api, admin_key: str, manager_key: str, staff: str) -> None:
    newcomer = join(api, admin_key, sourceChannel="DISCORD")["id"]
    say(api, admin_key, newcomer, "Hi all, where do I start?", unique("thread-"))
    settle(api)
    waiting = queue(api, manager_key)[newcomer]
    assert waiting["firstSaid"] == "Hi all, where do I start?"
    assert waiting["channel"] == "DISCORD" and waiting["member"]["id"] == newcomer

    result = record(api, manager_key, memberId=newcomer, staffId=staff, note="Said hello")
    assert result["__typename"] == "OutreachRecorded", result
    outreach = result["outreach"]
    assert (outreach["purpose"], outreach["note"], outreach["outcome"]) == (
        "WELCOME",
        "Said hello",
        "PENDING",  # the window has just opened
    )
    assert outreach["member"]["id"] == newcomer and outreach["staff"]["id"] == staff
    settle(api)
    assert newcomer not in queue(api, manager_key)
    log = api.graphql(LOG, {"member": newcomer}, key=manager_key)["data"]["outreachLog"]
    assert [e["node"]["id"] for e in log["edges"]] == [result["outreachId"]]

    today = date.today()
    variables = {"from": str(today - timedelta(days=30)), "to": str(today + timedelta(days=1))}
    body = api.graphql(EFFECTIVENESS, {**variables, "groupBy": "PURPOSE"}, key=manager_key)
    assert "errors" not in body, body
    figures = body["data"]["outreachEffectiveness"]
    welcome = next(g for g in figures["groups"] if g["key"] == "welcome")
    assert welcome["contacted"] >= 1 and welcome["pending"] >= 1
    assert figures["atRiskRecovery"]["definition"].startswith("Member-weeks")
    weeks = api.graphql(WEEKS, variables, key=manager_key)
    assert "errors" not in weeks, weeks
    assert sum(w["welcomed"] for w in weeks["data"]["timeToWelcome"]) >= 1


@pytest.mark.parametrize("role", [Role.MARKETING, Role.VIEWER, Role.PRODUCT])
def test_other_roles_see_none_of_it(
    api: Api, admin_key: str, manager_key: str, staff: str, role: Role
) -> None:
    key = api.key(role)
    member = join(api, admin_key)["id"]
    secret = unique("Private note ")
    recorded = record(api, manager_key, memberId=member, staffId=staff, note=secret)
    assert recorded["__typename"] == "OutreachRecorded"
    refused = record(api, key, memberId=member, staffId=staff)
    assert refused["__typename"] == "Forbidden" and refused["requiredRoles"] == [
        "admin",
        "manager",
    ]
    today = str(date.today())
    for document, variables in (
        (QUEUE, {}),
        (LOG, {"member": member}),
        (EFFECTIVENESS, {"from": "2026-01-01", "to": today, "groupBy": "STAFF"}),
        (WEEKS, {"from": "2026-01-01", "to": today}),
    ):
        body = api.graphql(document, variables, key=key)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert secret not in str(body)


def test_bad_input_is_typed_and_names_the_field(
    api: Api, admin_key: str, manager_key: str, staff: str
) -> None:
    member = join(api, admin_key)["id"]
    other = join(api, admin_key)["id"]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    for field, input in (
        ("note", {"note": "   "}),
        ("note", {"note": "x" * 5001}),
        ("at", {"at": future}),
        ("memberId", {"memberId": "not-a-uuid"}),
    ):
        result = record(api, manager_key, **{"memberId": member, "staffId": staff, **input})
        assert result["__typename"] == "ValidationFailed", result
        assert result["fieldErrors"][0]["field"] == field, result
    not_staff = record(api, manager_key, memberId=member, staffId=other)
    assert (not_staff["__typename"], not_staff["code"]) == ("Conflict", "NOT_STAFF")
    to_self = record(api, manager_key, memberId=staff, staffId=staff)
    assert (to_self["__typename"], to_self["code"]) == ("Conflict", "OUTREACH_TO_SELF")
    unknown = "00000000-0000-0000-0000-000000000001"
    missing = record(api, manager_key, memberId=unknown, staffId=staff)
    assert missing["__typename"] == "NotFound" and missing["id"] == unknown

    backwards = {"from": "2026-06-01", "to": "2026-05-01", "groupBy": "CHANNEL"}
    body = api.graphql(EFFECTIVENESS, backwards, key=manager_key)
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "to",
        "reason": "invalid",
    }
    body = api.graphql(QUEUE, {"after": "nonsense"}, key=manager_key)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "after" in body["errors"][0]["message"]
    body = api.graphql(LOG, {"member": "nope"}, key=manager_key)
    assert "memberId" in body["errors"][0]["message"]
