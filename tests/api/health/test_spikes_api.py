"""activitySpikes and annotateActivitySpike over HTTP, with roles and typed refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.auth import Role
from domain.interactions.commands import RecordInteraction
from tests.api.conftest import Api, join, settle, unique

SPIKES = """
query Spikes($from: Date!, $to: Date!, $channel: Channel, $asOf: Date) {
  activitySpikes(from: $from, to: $to, channel: $channel, asOf: $asOf) {
    day channel activity level band excess ruleVersion
    causes { kind name excess share explanation }
    annotations { id day channel cause by at }
  }
}
"""
ANNOTATE = """
mutation Run($input: AnnotateActivitySpikeInput!) {
  annotateActivitySpike(input: $input) {
    __typename
    ... on ActivitySpikeAnnotated { annotation { id day channel cause by } }
    ... on Error { message }
    ... on ValidationFailed { fieldErrors { field code } }
    ... on Forbidden { requiredRoles }
  }
}
"""
# A quiet channel in a quiet year: 2001 holds no other test's interactions.
DAY, SPAN = "2001-05-10", {"from": "2001-05-01", "to": "2001-05-20", "channel": "REDDIT"}


def plant(api: Api, key: str, thread: str) -> None:
    """Three members joined from reddit say two things each in one thread on DAY."""
    members = [join(api, key, joinedAt="2001-01-01T00:00:00Z", sourceChannel="REDDIT")["id"]]
    members += [join(api, key, joinedAt="2001-01-01T00:00:00Z")["id"] for _ in range(2)]
    batch = [
        RecordInteraction(
            member_id=UUID(member),
            channel="reddit",  # type: ignore[arg-type]
            kind="message",  # type: ignore[arg-type]
            occurred_at=datetime(2001, 5, 10, 12, n, tzinfo=UTC),
            external_id=f"{member}-{n}",
            thread_ref=thread,
        )
        for member in members
        for n in range(2)
    ]
    api.services.community.record_interactions(batch, create_unknown_members=False)


def spikes(api: Api, key: str, **variables: Any) -> dict[str, Any]:
    return api.graphql(SPIKES, {**SPAN, **variables}, key=key)


def spike_on_day(api: Api, key: str) -> dict[str, Any]:
    """The spike of DAY once every projection has caught up: the spike is found in the health
    rollups, its thread cause in the interactions read model (two projections)."""
    settle(api)
    found = spikes(api, key)["data"]["activitySpikes"]
    assert found, "no spike"
    spike: dict[str, Any] = found[0]
    return spike


def annotate(api: Api, key: str, **input: Any) -> dict[str, Any]:
    body = api.graphql(ANNOTATE, {"input": {"day": DAY, "channel": "REDDIT", **input}}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["annotateActivitySpike"]
    return result


def test_a_manager_annotates_a_spike_every_role_reads(api: Api, admin_key: str) -> None:
    thread, manager, viewer = unique("thread-"), api.key(Role.MANAGER), api.key(Role.VIEWER)
    plant(api, admin_key, thread)
    spike = spike_on_day(api, viewer)
    assert (spike["day"], spike["channel"], spike["activity"], spike["excess"]) == (
        DAY,
        "REDDIT",
        6,
        6,
    )
    assert spike["ruleVersion"] == "spikes-2026-12"
    assert [(c["kind"], c["name"]) for c in spike["causes"]] == [
        ("THREAD", thread),
        ("NEWCOMERS", "other"),
        ("NEWCOMERS", "reddit"),
    ]
    result = annotate(api, manager, cause="A post on the front page")
    assert result["__typename"] == "ActivitySpikeAnnotated", result
    assert result["annotation"]["cause"] == "A post on the front page"
    annotated = spike_on_day(api, viewer)["annotations"]
    assert [(a["id"], a["cause"], a["channel"]) for a in annotated] == [
        (result["annotation"]["id"], "A post on the front page", "REDDIT")
    ]


def test_a_viewer_may_not_annotate(api: Api, viewer_key: str) -> None:
    result = annotate(api, viewer_key, cause="mine")
    assert result["__typename"] == "Forbidden"
    assert result["requiredRoles"] == ["admin", "manager"]


def test_a_cause_with_a_control_character_or_too_long_is_refused_naming_it(
    api: Api, admin_key: str
) -> None:
    for cause in ("ring \u0007 bell", "x" * 501, "  "):
        result = annotate(api, admin_key, cause=cause)
        assert result["__typename"] == "ValidationFailed", result
        assert [e["field"] for e in result["fieldErrors"]] == ["cause"]
    result = annotate(api, admin_key, cause="fine", day="9999-12-31")
    assert [e["field"] for e in result["fieldErrors"]] == ["day"]


def test_a_reversed_span_is_bad_input_naming_to(api: Api, admin_key: str) -> None:
    body = spikes(api, admin_key, **{"from": "2001-05-20", "to": "2001-05-01"})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "to"


def test_as_of_yesterday_the_spike_recorded_today_was_not_known(api: Api, admin_key: str) -> None:
    plant(api, admin_key, unique("thread-"))
    spike_on_day(api, admin_key)
    today = datetime.now(UTC).date()
    as_of_today = spikes(api, admin_key, asOf=today.isoformat())["data"]["activitySpikes"]
    assert [s["day"] for s in as_of_today] == [DAY]
    yesterday = (today - timedelta(days=1)).isoformat()
    assert spikes(api, admin_key, asOf=yesterday)["data"]["activitySpikes"] == []


def test_an_as_of_after_today_is_bad_input_naming_as_of(api: Api, viewer_key: str) -> None:
    for as_of in ("2999-01-01", "1989-12-31"):
        (error,) = spikes(api, viewer_key, asOf=as_of)["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["extensions"]["field"] == "asOf", error
    malformed = spikes(api, viewer_key, asOf="yesterday")
    assert "Date" in malformed["errors"][0]["message"]  # refused by the schema itself
