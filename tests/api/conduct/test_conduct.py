"""Conduct over HTTP: report, decide, appeal, decide the appeal; standing in member views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api.conduct.helpers import LIST, ok, run, standing, with_standing
from tests.api.conftest import Api, join


def test_report_decide_appeal_and_decide_the_appeal(
    api: Api, admin_key: str, manager_key: str, viewer_key: str
) -> None:
    member, reporter, staff = (join(api, admin_key)["id"] for _ in range(3))
    reported = ok(
        api,
        "reportConductIncident",
        {
            "memberId": member,
            "reporterId": reporter,
            "channel": "DISCORD",
            "description": "Insulted a newcomer",
            "evidenceUrl": "https://discord.example/m/9",
        },
        manager_key,
    )
    incident = reported["incident"]
    assert (incident["status"], incident["description"]) == ("REPORTED", "Insulted a newcomer")
    incident_id = incident["id"]
    reviewed = ok(
        api, "reviewConductIncident", {"incidentId": incident_id, "reviewerId": staff}, manager_key
    )
    assert reviewed["incident"]["status"] == "UNDER_REVIEW"

    decided = ok(
        api,
        "decideConductIncident",
        {"incidentId": incident_id, "decidedBy": staff, "decision": "UPHOLD", "severity": "BAN"},
        manager_key,
    )
    assert decided["incident"]["status"] == "UPHELD"
    # The bootstrap's RetireOnBan retires nothing until the program is wired in.
    assert decided["ambassadorshipRetired"] is False
    assert standing(api, member, viewer_key) == {"standing": "BANNED", "until": None}
    assert member in with_standing(api, "BANNED", viewer_key)

    appealed = ok(
        api, "appealConductIncident", {"incidentId": incident_id, "reason": "Provoked"}, admin_key
    )
    assert appealed["incident"]["status"] == "APPEALED"
    assert standing(api, member, viewer_key)["standing"] == "BANNED"  # in force meanwhile
    again = run(api, "appealConductIncident", {"incidentId": incident_id, "reason": "x"}, admin_key)
    assert again["__typename"] == "ConductMoveConflict"
    assert (again["status"], again["move"]) == ("APPEALED", "appeal")

    overturned = ok(
        api,
        "decideConductAppeal",
        {"incidentId": incident_id, "decidedBy": staff, "outcome": "OVERTURNED", "reason": "No"},
        manager_key,
    )
    final = overturned["incident"]
    assert (final["status"], final["appealOutcome"], final["severity"]) == (
        "OVERTURNED",
        "OVERTURNED",
        "BAN",
    )
    assert [h["change"] for h in final["history"]] == [
        "REPORTED",
        "REVIEW_STARTED",
        "UPHELD",
        "APPEALED",
        "APPEAL_DECIDED",
    ]
    assert standing(api, member, viewer_key) == {"standing": "GOOD", "until": None}
    assert member in with_standing(api, "GOOD", viewer_key)
    once = run(api, "appealConductIncident", {"incidentId": incident_id, "reason": "x"}, admin_key)
    assert once["__typename"] == "ConductMoveConflict" and once["allowed"] == []


def test_a_suspension_shows_until_its_end_and_lists_by_member(
    api: Api, admin_key: str, manager_key: str
) -> None:
    member, staff = join(api, admin_key)["id"], join(api, admin_key)["id"]
    until = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    ids = []
    for n in range(3):
        ids.append(
            ok(
                api,
                "reportConductIncident",
                {"memberId": member, "channel": "FORUM", "description": f"Spam {n}"},
                manager_key,
            )["incidentId"]
        )
    decide = {"incidentId": ids[0], "decidedBy": staff, "decision": "UPHOLD"}
    missing = run(api, "decideConductIncident", decide | {"severity": "SUSPENSION"}, manager_key)
    assert missing["__typename"] == "ValidationFailed"
    assert missing["fieldErrors"][0]["field"] == "suspendedUntil"
    ok(
        api,
        "decideConductIncident",
        decide | {"severity": "SUSPENSION", "suspendedUntil": until.isoformat()},
        manager_key,
    )
    shown = standing(api, member, admin_key)
    assert shown["standing"] == "SUSPENDED"
    assert datetime.fromisoformat(shown["until"]) == until
    assert member in with_standing(api, "SUSPENDED", admin_key)

    first = api.graphql(LIST, {"filter": {"memberId": member}}, key=manager_key)
    page = first["data"]["conductIncidents"]
    assert [e["node"]["id"] for e in page["edges"]] == [ids[2], ids[1]]
    rest = api.graphql(
        LIST,
        {"filter": {"memberId": member}, "after": page["pageInfo"]["endCursor"]},
        key=admin_key,
    )["data"]["conductIncidents"]
    assert [e["node"]["id"] for e in rest["edges"]] == [ids[0]]
    assert not rest["pageInfo"]["hasNextPage"]


def test_a_page_of_members_reads_their_standing_in_one_query(
    api: Api, admin_key: str, viewer_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        join(api, admin_key)
    conduct = api.services.conduct
    asked: list[list[Any]] = []
    read = conduct.standings

    def counted(member_ids: Any) -> Any:
        asked.append(list(member_ids))
        return read(member_ids)

    monkeypatch.setattr(conduct, "standings", counted)
    body = api.graphql(
        "{ members(first: 3) { nodes { id standing { standing } } } }", key=viewer_key
    )
    assert "errors" not in body, body
    nodes = body["data"]["members"]["nodes"]
    assert len(nodes) == 3 and len(asked) == 1
    assert sorted(map(str, asked[0])) == sorted(n["id"] for n in nodes)
