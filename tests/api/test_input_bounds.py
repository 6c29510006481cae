"""GraphQL inputs at their edges: moments, names, handles, e-mail changes.

A draft stage rule's parameters are in tests/api/lifecycle/test_rule_input.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, join, mutate, succeed, unique

NOW = datetime.now(UTC)
# Accepted before the bounds: each is a placeholder, not a moment of community life.
TOO_EARLY = ["0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "1970-01-01T00:00:00Z"]
TOO_LATE = [(NOW + timedelta(days=2)).isoformat(), "9999-12-31T23:59:59Z"]

RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    __typename
    ... on InteractionRecorded { memberCreated }
    ... on ValidationFailed { message fieldErrors { field message code } }
  }
}
"""
SIMULATE = """
query Simulate($rule: StageRuleInput!, $asOf: DateTime) {
  simulateAtRiskRule(rule: $rule, asOf: $asOf, first: 5) { draftVersion membersJudged }
}
"""
AT_RISK = "query AtRisk($asOf: DateTime) { atRiskMembers(asOf: $asOf) { edges { cursor } } }"
BY_IDENTITY = """
query ByIdentity($channel: Channel!, $handle: String!) {
  memberByIdentity(channel: $channel, handle: $handle) { id displayName identities { handle } }
}
"""


def field_error(result: dict[str, Any]) -> dict[str, str]:
    """The one field error of a ValidationFailed result."""
    assert result["__typename"] == "ValidationFailed", result
    (error,) = result["fieldErrors"]
    return error


def record(api: Api, key: str, **fields: Any) -> dict[str, Any]:
    """recordInteraction for an unknown handle, to be created if accepted."""
    values = {
        "identity": {"channel": "SLACK", "handle": unique("bounds-")},
        "createMemberIfUnknown": True,
        "channel": "SLACK",
        "kind": "MESSAGE",
        "occurredAt": (NOW - timedelta(days=1)).isoformat(),
        "externalId": unique("bounds-"),
        **fields,
    }
    body = api.graphql(RECORD, {"input": values}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["recordInteraction"]
    return result


def holder(api: Api, key: str, handle: str, channel: str = "SLACK") -> dict[str, Any] | None:
    """The member holding a handle, as memberByIdentity answers."""
    body = api.graphql(BY_IDENTITY, {"channel": channel, "handle": handle}, key=key)
    assert "errors" not in body, body
    found: dict[str, Any] | None = body["data"]["memberByIdentity"]
    return found


@pytest.mark.parametrize("when", TOO_EARLY)
def test_record_interaction_before_the_earliest_date_is_refused(
    api: Api, admin_key: str, when: str
) -> None:
    handle = unique("early-")
    result = record(
        api, admin_key, occurredAt=when, identity={"channel": "SLACK", "handle": handle}
    )
    error = field_error(result)
    assert error["field"] == "occurredAt"
    assert error["message"] == "must not be before 1990-01-01T00:00:00+00:00"
    assert error["code"] == "moment_too_early"
    assert holder(api, admin_key, handle) is None


@pytest.mark.parametrize("when", TOO_LATE, ids=["in-two-days", "year-9999"])
def test_record_interaction_in_the_future_is_refused(api: Api, admin_key: str, when: str) -> None:
    error = field_error(record(api, admin_key, occurredAt=when))
    assert (error["field"], error["message"]) == ("occurredAt", "must not be in the future")


@pytest.mark.parametrize("when", TOO_EARLY)
def test_join_member_before_the_earliest_date_is_refused(
    api: Api, admin_key: str, when: str
) -> None:
    result = mutate(
        api, "joinMember", {"displayName": unique("Early "), "joinedAt": when}, key=admin_key
    )
    error = field_error(result)
    assert (error["field"], error["code"]) == ("joinedAt", "moment_too_early")


def test_leaving_and_rejoining_before_the_earliest_date_are_refused(
    api: Api, admin_key: str
) -> None:
    member = join(api, admin_key)
    left = mutate(
        api, "markMemberLeft", {"memberId": member["id"], "leftAt": TOO_EARLY[1]}, key=admin_key
    )
    assert (field_error(left)["field"], field_error(left)["code"]) == ("leftAt", "moment_too_early")
    succeed(api, "markMemberLeft", {"memberId": member["id"]}, key=admin_key)
    back = mutate(
        api, "rejoinMember", {"memberId": member["id"], "rejoinedAt": TOO_EARLY[0]}, key=admin_key
    )
    error = field_error(back)
    assert (error["field"], error["code"]) == ("rejoinedAt", "moment_too_early")


def bad_input(body: dict[str, Any]) -> dict[str, Any]:
    """The one top-level error of a refused query, which must be BAD_USER_INPUT."""
    assert not any((body["data"] or {}).values()), body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error


@pytest.mark.parametrize("document", [SIMULATE, AT_RISK], ids=["simulate", "at-risk"])
@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("0001-01-01T00:00:00Z", "asOf: must not be before 1990-01-01T00:00:00+00:00"),
        ("1900-01-01T00:00:00Z", "asOf: must not be before 1990-01-01T00:00:00+00:00"),
        (TOO_LATE[0], "asOf: must not be in the future"),
        ("9999-12-31T23:59:59Z", "asOf: must not be in the future"),
    ],
    ids=["year-1", "year-1900", "in-two-days", "year-9999"],
)
def test_as_of_outside_the_accepted_span_is_refused(
    api: Api, admin_key: str, document: str, as_of: str, message: str
) -> None:
    variables: dict[str, Any] = {"asOf": as_of}
    if document is SIMULATE:
        variables["rule"] = {}
    error = bad_input(api.graphql(document, variables, key=admin_key))
    assert error["message"] == message
    assert error["extensions"]["field"] == "asOf"


def test_a_new_email_with_clear_email_is_refused(api: Api, admin_key: str) -> None:
    member = join(api, admin_key, email=f"{unique('old')}@example.org")
    result = mutate(
        api,
        "updateMemberProfile",
        {"memberId": member["id"], "email": "new@example.org", "clearEmail": True},
        key=admin_key,
    )
    error = field_error(result)
    assert error["field"] == "clearEmail"
    assert "not both" in error["message"]


SPOOFING = ["\u202e", "\u2066", "\u200f", "\u061c", "\x1b", "\x07"]


@pytest.mark.parametrize("char", SPOOFING)
def test_names_and_handles_with_control_characters_are_refused(
    api: Api, admin_key: str, char: str
) -> None:
    name = unique("Spoof ")
    joined = mutate(api, "joinMember", {"displayName": f"{name}{char}gpj.exe"}, key=admin_key)
    assert field_error(joined)["field"] == "displayName"
    assert f"U+{ord(char):04X}" in field_error(joined)["message"]
    with_handle = mutate(
        api,
        "joinMember",
        {"displayName": name, "identities": [{"channel": "SLACK", "handle": f"a{char}b"}]},
        key=admin_key,
    )
    assert field_error(with_handle)["field"] == "identities.0.handle"
    member = join(api, admin_key)
    renamed = mutate(
        api,
        "updateMemberProfile",
        {"memberId": member["id"], "displayName": f"x{char}y"},
        key=admin_key,
    )
    assert field_error(renamed)["field"] == "displayName"
    linked = mutate(
        api,
        "linkIdentity",
        {"memberId": member["id"], "channel": "GITHUB", "handle": f"a{char}b"},
        key=admin_key,
    )
    assert field_error(linked)["field"] == "handle"
    interaction = record(api, admin_key, identity={"channel": "SLACK", "handle": f"a{char}b"})
    assert field_error(interaction)["field"] == "identity.handle"
    lookup = api.graphql(BY_IDENTITY, {"channel": "SLACK", "handle": f"a{char}b"}, key=admin_key)
    assert bad_input(lookup)["message"].startswith("handle: handle must not contain")


@pytest.mark.parametrize("name", ["محمد الأحمد", "שרה לוי"])
def test_right_to_left_names_and_handles_stay_accepted(api: Api, admin_key: str, name: str) -> None:
    handle = name.split()[0] + unique("")
    member = join(
        api, admin_key, displayName=name, identities=[{"channel": "TELEGRAM", "handle": handle}]
    )
    assert member["displayName"] == name
    found = holder(api, admin_key, handle, "TELEGRAM")
    assert found is not None and found["id"] == member["id"]


def test_a_decomposed_accent_is_stored_composed_and_found_either_way(
    api: Api, admin_key: str
) -> None:
    suffix = unique("")
    decomposed, composed = f"Re\u0301mi{suffix}", f"R\u00e9mi{suffix}"
    member = join(
        api,
        admin_key,
        displayName=decomposed,
        identities=[{"channel": "DISCORD", "handle": decomposed}],
    )
    assert member["displayName"] == composed
    assert member["identities"][0]["handle"] == composed
    for asked in (composed, decomposed):
        found = holder(api, admin_key, asked, "DISCORD")
        assert found is not None and found["id"] == member["id"], asked


def test_an_empty_handle_names_the_field_and_why(api: Api, admin_key: str) -> None:
    result = mutate(
        api,
        "joinMember",
        {"displayName": unique("Empty "), "identities": [{"channel": "SLACK", "handle": ""}]},
        key=admin_key,
    )
    error = field_error(result)
    assert (error["field"], error["message"]) == ("identities.0.handle", "handle must not be empty")
    recorded = record(api, admin_key, identity={"channel": "SLACK", "handle": ""})
    error = field_error(recorded)
    assert (error["field"], error["message"]) == ("identity.handle", "handle must not be empty")
