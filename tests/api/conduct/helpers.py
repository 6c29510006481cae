"""Conduct over HTTP: the documents and helpers the conduct API tests share."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api

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
