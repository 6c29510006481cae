"""Conduct over HTTP: only admins and managers touch incidents; hostile input is typed."""

from __future__ import annotations

import pytest

from api.auth import Role
from tests.api.conduct.helpers import LIST, ok, run, standing
from tests.api.conftest import Api, join


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
