"""Across contexts over HTTP: an upheld BAN retires an ambassador, naming the incident."""

from __future__ import annotations

from api.auth import Role
from tests.api.ambassadors.helpers import ambassadorship_of, member, moved
from tests.api.conduct.helpers import ok
from tests.api.conftest import Api


def test_an_upheld_ban_retires_an_active_ambassador_and_names_the_incident(api: Api) -> None:
    key = api.key(Role.MANAGER)
    staff, ambassador, bystander = (member(api, key) for _ in range(3))
    moved(api, "nominateAmbassador", {"memberId": ambassador, "by": staff}, key=key)
    moved(api, "approveAmbassador", {"memberId": ambassador, "by": staff, "tier": "gold"}, key=key)
    incident = ok(
        api,
        "reportConductIncident",
        {"memberId": ambassador, "channel": "DISCORD", "description": "Harassed a member"},
        key,
    )["incidentId"]

    decided = ok(
        api,
        "decideConductIncident",
        {"incidentId": incident, "decidedBy": staff, "decision": "UPHOLD", "severity": "BAN"},
        key,
    )

    assert decided["ambassadorshipRetired"] is True
    retired = ambassadorship_of(api, ambassador, key=key)
    assert retired is not None
    assert (retired["status"], retired["incidentId"]) == ("RETIRED", incident)
    assert retired["history"][-1]["move"] == "RETIRE"
    assert retired["history"][-1]["incidentId"] == incident


def test_a_warning_or_a_ban_of_a_member_outside_the_program_retires_nobody(api: Api) -> None:
    key = api.key(Role.MANAGER)
    staff, ambassador, outsider = (member(api, key) for _ in range(3))
    moved(api, "nominateAmbassador", {"memberId": ambassador, "by": staff}, key=key)
    moved(api, "approveAmbassador", {"memberId": ambassador, "by": staff, "tier": "gold"}, key=key)
    for concerned, severity in ((ambassador, "WARNING"), (outsider, "BAN")):
        incident = ok(
            api,
            "reportConductIncident",
            {"memberId": concerned, "channel": "FORUM", "description": "Spam"},
            key,
        )["incidentId"]
        decision = {"incidentId": incident, "decidedBy": staff, "decision": "UPHOLD"}
        decided = ok(api, "decideConductIncident", decision | {"severity": severity}, key)
        assert decided["ambassadorshipRetired"] is False

    still = ambassadorship_of(api, ambassador, key=key)
    assert still is not None and still["status"] == "ACTIVE"
    assert ambassadorship_of(api, outsider, key=key) is None
