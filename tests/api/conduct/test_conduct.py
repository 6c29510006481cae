"""Conduct over HTTP: report, decide, appeal, decide the appeal; standing; roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, join

INCIDENT = """
  id memberId reporterId channel description evidenceUrl status severity suspendedUntil
  decisionReason appealReason appealOutcome version history { change actorId detail }
"""
ERRORS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field message code } }
  ... on Conflict { code }
  ... on Forbidden { requiredRoles }
  ... on NotFound { id }
"""
DECIDE = "decideConductIncident"
MOVE_CONFLICT = "... on ConductMoveConflict { code status move allowed }"
MUTATIONS = {
    "reportConductIncident": "ReportConductIncidentInput",
    "reviewConductIncident": "ReviewConductIncidentInput",
    "decideConductIncident": "DecideConductIncidentInput",
    "appealConductIncident": "AppealConductIncidentInput",
    "decideConductAppeal": "DecideConductAppealInput",
}
LIST = f"""
query List($filter: ConductIncidentFilterInput, $after: String) {{
  conductIncidents(filter: $filter, first: 2, after: $after) {{
    edges {{ node {{ {INCIDENT} }} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
STANDING = """
query Standing($id: ID!) { member(id: $id) { standing { standing until } } }
"""
MEMBERS_BY_STANDING = """
query ByStanding($standing: Standing!, $after: String) {
  members(filter: {standing: $standing}, first: 100, after: $after) {
    edges { node { id standing { standing until } } } pageInfo { hasNextPage endCursor }
  }
}
"""


def run(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """One conduct mutation; its result (asserting no top-level errors)."""
    document = f"""
mutation Run($input: {MUTATIONS[name]}!) {{
  {name}(input: $input) {{
    __typename
    {"... on ConductIncidentDecided { ambassadorshipRetired }" if name == DECIDE else ""}
    ... on {_success(name)} {{ incidentId version incident {{ {INCIDENT} }} }}
    {ERRORS}
    {"" if name == "reportConductIncident" else MOVE_CONFLICT}
  }}
}}
"""
    body = api.graphql(document, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def _success(name: str) -> str:
    return {
        "reportConductIncident": "ConductIncidentReported",
        "reviewConductIncident": "ConductIncidentReviewStarted",
        "decideConductIncident": "ConductIncidentDecided",
        "appealConductIncident": "ConductIncidentAppealed",
        "decideConductAppeal": "ConductAppealDecided",
    }[name]


def ok(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    result = run(api, name, input, key)
    assert result["__typename"] == _success(name), result
    return result


def standing(api: Api, member_id: str, key: str) -> dict[str, Any]:
    body = api.graphql(STANDING, {"id": member_id}, key=key)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["member"]["standing"]
    return found


def with_standing(api: Api, value: str, key: str) -> set[str]:
    found: set[str] = set()
    after = None
    while True:
        body = api.graphql(MEMBERS_BY_STANDING, {"standing": value, "after": after}, key=key)
        assert "errors" not in body, body
        page = body["data"]["members"]
        found |= {e["node"]["id"] for e in page["edges"]}
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def manager_key(api: Api) -> str:
    return api.key(Role.MANAGER)


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


@pytest.mark.parametrize("role", [Role.MARKETING, Role.VIEWER, Role.PRODUCT])
def test_other_roles_are_forbidden_every_conduct_operation(
    api: Api, admin_key: str, manager_key: str, role: Role
) -> None:
    key = api.key(role)
    member = join(api, admin_key)["id"]
    incident = ok(
        api,
        "reportConductIncident",
        {"memberId": member, "channel": "SLACK", "description": "Secret conduct note"},
        manager_key,
    )["incidentId"]
    attempts = {
        "reportConductIncident": {"memberId": member, "channel": "SLACK", "description": "x"},
        "reviewConductIncident": {"incidentId": incident, "reviewerId": member},
        "decideConductIncident": {
            "incidentId": incident,
            "decidedBy": member,
            "decision": "DISMISS",
            "reason": "x",
        },
        "appealConductIncident": {"incidentId": incident, "reason": "x"},
        "decideConductAppeal": {"incidentId": incident, "decidedBy": member, "outcome": "UPHELD"},
    }
    for name, input in attempts.items():
        result = run(api, name, input, key)
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["requiredRoles"] == ["admin", "manager"]
    for document, variables in (
        (LIST, {}),
        ("query One($id: ID!) { conductIncident(id: $id) { id description } }", {"id": incident}),
    ):
        body = api.graphql(document, variables, key=key)
        assert body["data"] is None or not any(body["data"].values())
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "Secret conduct note" not in str(body)
    # Standing is the member's status, shown to every role that sees the member.
    assert standing(api, member, key) == {"standing": "GOOD", "until": None}


def test_hostile_input_gets_typed_errors(api: Api, admin_key: str, manager_key: str) -> None:
    member = join(api, admin_key)["id"]
    bad = {
        "evidenceUrl": "javascript:alert(1)",
        "description": "\u202e",
    }
    for field, value in bad.items():
        input = {"memberId": member, "channel": "SLACK", "description": "ok", field: value}
        result = run(api, "reportConductIncident", input, manager_key)
        assert result["__typename"] == "ValidationFailed", result
        assert result["fieldErrors"][0]["field"] == field
    unknown = run(
        api,
        "reportConductIncident",
        {"memberId": "not-a-uuid", "channel": "SLACK", "description": "ok"},
        manager_key,
    )
    assert unknown["__typename"] == "ValidationFailed"
    missing = run(
        api,
        "decideConductIncident",
        {
            "incidentId": "00000000-0000-0000-0000-000000000001",
            "decidedBy": member,
            "decision": "DISMISS",
            "reason": "x",
        },
        manager_key,
    )
    assert missing["__typename"] == "NotFound"


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
