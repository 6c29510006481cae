"""topDiscussions over real HTTP: ranked threads, the summary by role and after erasure,
bad arguments named."""

from __future__ import annotations

import time
from typing import Any

from api.auth import Role
from tests.api.conftest import Api, join, succeed, unique

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { __typename }
}
"""
TOP = """
query Top($from: Date!, $to: Date!, $channel: Channel, $first: Int!, $asOf: Date) {
  topDiscussions(from: $from, to: $to, channel: $channel, first: $first, asOf: $asOf) {
    channel threadRef participants replies reactions firstMessageAt summary
    firstStaffResponseAt staffResponseSeconds
  }
}
"""
# A week of 1995 on meetup, which no other test records in.
SPAN = {"from": "1995-06-05", "to": "1995-06-12", "channel": "MEETUP", "first": 100}


def record(api: Api, key: str, member: str, thread: str, at: str, **fields: Any) -> None:
    values = {
        "memberId": member,
        "channel": "MEETUP",
        "kind": "REPLY",
        "occurredAt": at,
        "externalId": unique("discussion-"),
        "threadRef": thread,
        **fields,
    }
    body = api.graphql(RECORD, {"input": values}, key=key)
    assert body["data"]["recordInteraction"]["__typename"] == "InteractionRecorded", body


def threads(api: Api, key: str, wanted: set[str], **variables: Any) -> list[dict[str, Any]]:
    body = api.graphql(TOP, {**SPAN, **variables}, key=key)
    assert "errors" not in body, body
    return [d for d in body["data"]["topDiscussions"] if d["threadRef"] in wanted]


def settled(api: Api, key: str, wanted: set[str], check: Any) -> list[dict[str, Any]]:
    """The answer once the projection has caught up (`check` holds), within 10 s."""
    deadline = time.monotonic() + 10
    while not check(found := threads(api, key, wanted)):
        assert time.monotonic() < deadline, found
        time.sleep(0.1)
    return found


def test_top_discussions_by_role_and_after_erasure(
    api: Api, admin_key: str, viewer_key: str
) -> None:
    alice, bob, carol = (join(api, admin_key)["id"] for _ in range(3))
    staff, bot = join(api, admin_key)["id"], join(api, admin_key)["id"]
    succeed(api, "markMemberAsStaff", {"memberId": staff}, key=admin_key)
    succeed(api, "markMemberAsBot", {"memberId": bot}, key=admin_key)
    busy, quiet = unique("busy-"), unique("quiet-")
    record(api, admin_key, alice, busy, "1995-06-05T10:00:00Z", kind="POST", summary="Venue?")
    record(api, admin_key, bob, busy, "1995-06-05T11:00:00Z")
    record(api, admin_key, staff, busy, "1995-06-05T10:20:00Z")
    record(api, admin_key, bot, busy, "1995-06-05T10:21:00Z")
    record(api, admin_key, carol, busy, "1995-06-06T09:00:00Z", kind="REACTION_GIVEN")
    record(api, admin_key, carol, quiet, "1995-06-07T09:00:00Z", kind="POST", summary="Slides")
    record(api, admin_key, bot, quiet, "1995-06-07T09:01:00Z")
    wanted = {busy, quiet}
    manager = api.key(Role.MANAGER)
    found = settled(api, manager, wanted, lambda f: len(f) == 2 and f[0]["reactions"] == 1)
    assert found == [
        {
            "channel": "MEETUP",
            "threadRef": busy,
            "participants": 3,
            "replies": 1,
            "reactions": 1,
            "firstMessageAt": "1995-06-05T10:00:00+00:00",
            "summary": "Venue?",
            "firstStaffResponseAt": "1995-06-05T10:20:00+00:00",
            "staffResponseSeconds": 1200,
        },
        {
            "channel": "MEETUP",
            "threadRef": quiet,
            "participants": 1,
            "replies": 0,
            "reactions": 0,
            "firstMessageAt": "1995-06-07T09:00:00+00:00",
            "summary": "Slides",
            "firstStaffResponseAt": None,
            "staffResponseSeconds": None,
        },
    ]
    # The viewer sees the same ranking, without the members' words.
    seen = threads(api, viewer_key, wanted)
    assert [d["summary"] for d in seen] == [None, None]
    assert [{**d, "summary": None} for d in found] == seen
    # Another channel or another week: neither thread.
    assert threads(api, viewer_key, wanted, channel="GITHUB") == []
    assert threads(api, viewer_key, wanted, **{"from": "1995-06-12", "to": "1995-06-19"}) == []
    # As known at the end of a day before they were recorded: nothing yet.
    assert threads(api, viewer_key, wanted, asOf="2000-01-01") == []
    succeed(api, "eraseMember", {"memberId": alice}, key=admin_key)
    erased = settled(api, manager, wanted, lambda f: f[0]["summary"] is None)
    assert [d["summary"] for d in erased] == [None, "Slides"]


def test_bad_arguments_are_named(api: Api, viewer_key: str) -> None:
    for variables, field in (
        ({"to": "1995-06-05"}, "to"),  # not after from
        ({"from": "1980-01-01"}, "from"),
        ({"to": "1999-01-01"}, "to"),  # more than 1098 days
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"asOf": "1989-12-31"}, "asOf"),
    ):
        body = api.graphql(TOP, {**SPAN, **variables}, key=viewer_key)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", body
        assert error["extensions"]["field"] == field, body
    unknown = api.graphql(TOP, {**SPAN, "channel": "MYSPACE"}, key=viewer_key)
    assert "Channel" in unknown["errors"][0]["message"]
