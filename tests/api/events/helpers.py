"""Community event mutations and queries as real GraphQL documents over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api

EVENT = """
  id title kind status startsAt endsAt channel place hostIds cancelReason version
  figures { registered attended noShowRate firstTimers newcomers retainedNewcomers }
"""
ERRORS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field message code } }
  ... on Conflict { code currentVersion }
  ... on NotFound { id }
  ... on Forbidden { requiredRoles }
"""
INPUTS = {
    "scheduleCommunityEvent": "ScheduleCommunityEventInput",
    "rescheduleCommunityEvent": "RescheduleCommunityEventInput",
    "registerForEvent": "RegisterForEventInput",
    "checkInToEvent": "CheckInToEventInput",
    "cancelCommunityEvent": "CancelCommunityEventInput",
}
ONE = f"""
query One($id: ID!) {{
  communityEvent(id: $id) {{
    {EVENT}
    attendees {{ memberId host checkedInAt member {{ id displayName personalDataHidden }} }}
  }}
}}
"""
SPAN = f"""
query Span($from: DateTime!, $to: DateTime!) {{
  communityEvents(from: $from, to: $to) {{ {EVENT} }}
}}
"""
MEMBER_EVENTS = """
query Mine($id: ID!) {
  member(id: $id) { events { registeredAt checkedInAt host event { id title } } }
}
"""


def run(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """One event mutation's result (no top-level errors)."""
    document = f"""
mutation Run($input: {INPUTS[name]}!) {{
  {name}(input: $input) {{
    __typename
    ... on {SUCCESS[name]} {{ eventId version changed event {{ {EVENT} }} }}
    {ERRORS}
  }}
}}
"""
    body = api.graphql(document, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


SUCCESS = {
    "scheduleCommunityEvent": "CommunityEventScheduled",
    "rescheduleCommunityEvent": "CommunityEventRescheduled",
    "registerForEvent": "RegisteredForEvent",
    "checkInToEvent": "CheckedInToEvent",
    "cancelCommunityEvent": "CommunityEventCancelled",
}


def ok(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """A mutation that must succeed: its result."""
    result = run(api, name, input, key)
    assert result["__typename"] == SUCCESS[name], result
    return result


def moment(hours: float) -> str:
    """Now plus `hours`, as an ISO time."""
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def schedule(api: Api, key: str, starts_in_hours: float = -1, **fields: Any) -> str:
    """A meetup starting `starts_in_hours` from now, lasting three hours: its id."""
    values = {
        "title": "Meetup",
        "kind": "MEETUP",
        "startsAt": moment(starts_in_hours),
        "endsAt": moment(starts_in_hours + 3),
        "channel": "MEETUP",
    }
    event_id: str = ok(api, "scheduleCommunityEvent", values | fields, key)["eventId"]
    return event_id
