"""Community events over HTTP: managers keep them, every role reads their figures, and
hostile input gets a typed error naming the field."""

from __future__ import annotations

import pytest

from api.auth import Role
from tests.api.conftest import Api, join, settle
from tests.api.events.helpers import MEMBER_EVENTS, ONE, SPAN, moment, ok, run, schedule

READERS = (Role.PRODUCT, Role.MARKETING, Role.VIEWER)


@pytest.fixture(scope="module")
def held(api: Api, admin_key: str) -> dict[str, str]:
    """A meetup on now, with a host, one member checked in and one registered only."""
    host, came, booked = (join(api, admin_key, email=f"{n}@example.org")["id"] for n in "hcb")
    event = schedule(api, admin_key, hostIds=[host], place="Kreuzberg")
    ok(api, "registerForEvent", {"eventId": event, "memberId": booked}, admin_key)
    ok(api, "checkInToEvent", {"eventId": event, "memberId": came}, admin_key)
    settle(api)
    return {"event": event, "host": host, "came": came, "booked": booked}


def test_a_manager_keeps_an_event_and_checking_in_twice_is_once(api: Api) -> None:
    key = api.key(Role.MANAGER)
    member = join(api, key)["id"]
    event = schedule(api, key, starts_in_hours=48)
    moved = ok(
        api,
        "rescheduleCommunityEvent",
        {"eventId": event, "startsAt": moment(0.5), "endsAt": moment(3), "expectedVersion": 1},
        key,
    )
    assert moved["version"] == 2 and moved["event"]["startsAt"]
    first = ok(api, "checkInToEvent", {"eventId": event, "memberId": member}, key)
    again = ok(api, "checkInToEvent", {"eventId": event, "memberId": member}, key)
    assert first["changed"] and not again["changed"] and again["version"] == first["version"]
    figures = first["event"]["figures"]
    assert (figures["registered"], figures["attended"], figures["noShowRate"]) == (1, 1, None)
    cancelled = run(api, "cancelCommunityEvent", {"eventId": event, "reason": "rain"}, key)
    assert (cancelled["__typename"], cancelled["code"]) == ("Conflict", "EVENT_ALREADY_HELD")


def test_the_event_page_shows_attendees_and_the_member_their_events(
    api: Api, admin_key: str, held: dict[str, str]
) -> None:
    body = api.graphql(ONE, {"id": held["event"]}, key=admin_key)
    event = body["data"]["communityEvent"]
    assert event["hostIds"] == [held["host"]] and event["place"] == "Kreuzberg"
    assert [a["memberId"] for a in event["attendees"]] == [held["came"], held["booked"]]
    assert event["attendees"][0]["member"]["displayName"]
    figures = event["figures"]
    assert (figures["registered"], figures["attended"], figures["firstTimers"]) == (2, 1, 1)
    mine = api.graphql(MEMBER_EVENTS, {"id": held["came"]}, key=admin_key)
    events = mine["data"]["member"]["events"]
    assert [e["event"]["id"] for e in events] == [held["event"]] and events[0]["checkedInAt"]
    span = api.graphql(SPAN, {"from": moment(-5), "to": moment(1)}, key=admin_key)
    assert held["event"] in {e["id"] for e in span["data"]["communityEvents"]}


@pytest.mark.parametrize("role", READERS)
def test_other_roles_read_the_figures_masked_and_change_nothing(
    api: Api, held: dict[str, str], role: Role
) -> None:
    key = api.key(role)
    event = api.graphql(ONE, {"id": held["event"]}, key=key)["data"]["communityEvent"]
    assert event["figures"]["registered"] == 2
    shown = event["attendees"][0]["member"]
    assert shown["personalDataHidden"] and shown["displayName"] is None
    attempts = {
        "scheduleCommunityEvent": {
            "title": "x",
            "kind": "MEETUP",
            "startsAt": moment(1),
            "endsAt": moment(2),
            "place": "here",
        },
        "rescheduleCommunityEvent": {
            "eventId": held["event"],
            "startsAt": moment(1),
            "endsAt": moment(2),
        },
        "registerForEvent": {"eventId": held["event"], "memberId": held["came"]},
        "checkInToEvent": {"eventId": held["event"], "memberId": held["came"]},
        "cancelCommunityEvent": {"eventId": held["event"], "reason": "no"},
    }
    for name, input in attempts.items():
        result = run(api, name, input, key)
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["requiredRoles"] == ["admin", "manager"]


def test_hostile_input_gets_a_typed_error(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)["id"]
    base = {
        "title": "Meetup",
        "kind": "MEETUP",
        "startsAt": moment(1),
        "endsAt": moment(2),
        "place": "Here",
    }
    backwards = run(api, "scheduleCommunityEvent", base | {"endsAt": moment(0.5)}, admin_key)
    assert backwards["__typename"] == "ValidationFailed"
    assert backwards["fieldErrors"][0]["field"] == "endsAt"
    huge = run(api, "scheduleCommunityEvent", base | {"title": "x" * 100_000}, admin_key)
    assert huge["__typename"] == "ValidationFailed"
    assert huge["fieldErrors"][0]["field"] == "title"
    nowhere = run(api, "scheduleCommunityEvent", base | {"place": None}, admin_key)
    assert nowhere["fieldErrors"][0]["field"] == "place"
    ghost_host = run(api, "scheduleCommunityEvent", base | {"hostIds": [member[::-1]]}, admin_key)
    assert ghost_host["__typename"] == "ValidationFailed"

    event = schedule(api, admin_key, starts_in_hours=24)
    early = run(api, "checkInToEvent", {"eventId": event, "memberId": member}, admin_key)
    assert (early["__typename"], early["code"]) == ("Conflict", "CHECK_IN_TOO_EARLY")
    unknown = "00000000-0000-4000-8000-000000000000"
    nobody = run(api, "registerForEvent", {"eventId": event, "memberId": unknown}, admin_key)
    assert (nobody["__typename"], nobody["id"]) == ("NotFound", unknown)
    no_event = run(api, "registerForEvent", {"eventId": unknown, "memberId": member}, admin_key)
    assert (no_event["__typename"], no_event["id"]) == ("NotFound", unknown)
    ok(api, "cancelCommunityEvent", {"eventId": event, "reason": "speaker ill"}, admin_key)
    cancelled = run(api, "checkInToEvent", {"eventId": event, "memberId": member}, admin_key)
    assert (cancelled["__typename"], cancelled["code"]) == ("Conflict", "EVENT_CANCELLED")
    stale = run(
        api,
        "cancelCommunityEvent",
        {"eventId": event, "reason": "x", "expectedVersion": 1},
        admin_key,
    )
    assert stale["code"] == "VERSION_MISMATCH" and stale["currentVersion"] == 2


def test_a_bad_span_is_bad_user_input(api: Api, viewer_key: str) -> None:
    for span in (
        {"from": moment(1), "to": moment(0)},
        {"from": "2026-01-01T00:00:00", "to": moment(0)},
    ):
        body = api.graphql(SPAN, span, key=viewer_key)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
