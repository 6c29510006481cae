"""The ambassador program over HTTP: the whole path, illegal moves, roles and contact fields."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from api.auth import Role
from tests.api.ambassadors.helpers import (
    LIST,
    MUTATIONS,
    ambassadorship_of,
    member,
    move,
    moved,
)
from tests.api.conftest import Api, succeed
from tests.api.consent.helpers import give_consent, registered, withdraw_consent


@pytest.fixture(scope="module")
def keys(api: Api) -> dict[Role, str]:
    """A key of each role."""
    return {role: api.key(role) for role in Role}


@pytest.fixture(scope="module")
def manager(api: Api, admin_key: str) -> str:
    """The staff member who makes the moves."""
    return member(api, admin_key)


def active(api: Api, key: str, by: str, **fields: Any) -> str:
    """A member nominated and approved at gold."""
    member_id = member(api, key, **fields)
    moved(api, "nominateAmbassador", {"memberId": member_id, "by": by}, key=key)
    moved(api, "approveAmbassador", {"memberId": member_id, "by": by, "tier": "gold"}, key=key)
    return member_id


def test_the_whole_path_of_an_ambassadorship(api: Api, keys: dict[Role, str], manager: str) -> None:
    key = keys[Role.MANAGER]
    ada = member(api, key)
    at = {"memberId": ada, "by": manager}
    found = moved(api, "nominateAmbassador", at, key=key)
    rule = api.graphql("{ candidacyRule { version } }", key=key)["data"]["candidacyRule"]
    assert (found["status"], found["nominatedBy"], found["ruleVersion"]) == (
        "NOMINATED",
        manager,
        rule["version"],
    )
    assert found["factors"]["tenure_days"] == 0
    found = moved(api, "approveAmbassador", at | {"tier": "silver"}, key=key)
    assert (found["status"], found["tier"]) == ("ACTIVE", "silver")
    since, ends = datetime.fromisoformat(found["since"]), datetime.fromisoformat(found["termEnds"])
    assert ends - since == timedelta(days=365)
    assert moved(api, "changeAmbassadorTier", at | {"tier": "gold"}, key=key)["tier"] == "gold"
    paused = moved(api, "pauseAmbassador", at | {"reason": "on leave"}, key=key)
    assert paused["status"] == "PAUSED"
    assert moved(api, "resumeAmbassador", at, key=key)["status"] == "ACTIVE"
    renewed = moved(api, "renewAmbassador", at | {"expectedVersion": 6}, key=key)
    assert datetime.fromisoformat(renewed["termEnds"]) - ends == timedelta(days=365)
    retired = moved(api, "retireAmbassador", at | {"reason": "moved abroad"}, key=key)
    assert (retired["status"], retired["reason"]) == ("RETIRED", "moved abroad")
    assert [(h["move"], h["status"]) for h in retired["history"]] == [
        ("NOMINATE", "NOMINATED"),
        ("APPROVE", "ACTIVE"),
        ("CHANGE_TIER", "ACTIVE"),
        ("PAUSE", "PAUSED"),
        ("RESUME", "ACTIVE"),
        ("RENEW", "ACTIVE"),
        ("RETIRE", "RETIRED"),
    ]
    assert {h["actorId"] for h in retired["history"]} == {manager}
    assert retired["history"][3]["reason"] == "on leave"
    # A viewer reads the program, without the reasons.
    seen = ambassadorship_of(api, ada, key=keys[Role.VIEWER])
    assert seen is not None and seen["status"] == "RETIRED" and seen["reason"] is None
    assert {h["reason"] for h in seen["history"]} == {None}


def test_illegal_moves_are_conflicts_naming_status_and_move(
    api: Api, keys: dict[Role, str], manager: str
) -> None:
    key = keys[Role.ADMIN]
    outsider, ambassador = member(api, key), active(api, key, manager)
    refused = move(
        api, "approveAmbassador", {"memberId": outsider, "by": manager, "tier": "x"}, key=key
    )
    assert refused["__typename"] == "AmbassadorMoveConflict", refused
    assert (refused["code"], refused["status"], refused["move"]) == (
        "ILLEGAL_PROGRAM_MOVE",
        None,
        "APPROVE",
    )
    assert refused["allowed"] == ["NOMINATE"]
    for name, extra in (
        ("resumeAmbassador", {}),
        ("nominateAmbassador", {}),
        ("declineAmbassador", {"reason": "no"}),
    ):
        refused = move(api, name, {"memberId": ambassador, "by": manager, **extra}, key=key)
        assert refused["__typename"] == "AmbassadorMoveConflict", refused
        assert refused["status"] == "ACTIVE"
        assert "RENEW" in refused["allowed"] and "EXPIRE" not in refused["allowed"]
    stale = move(
        api,
        "pauseAmbassador",
        {"memberId": ambassador, "by": manager, "expectedVersion": 1},
        key=key,
    )
    assert (stale["__typename"], stale["code"], stale["currentVersion"]) == (
        "Conflict",
        "VERSION_MISMATCH",
        3,
    )
    assert ambassadorship_of(api, ambassador, key=key)["status"] == "ACTIVE"  # type: ignore[index]


def test_bad_input_and_ineligible_members_are_typed_refusals(
    api: Api, keys: dict[Role, str], manager: str, admin_key: str
) -> None:
    key = keys[Role.MANAGER]
    bad = move(api, "nominateAmbassador", {"memberId": "not-a-uuid", "by": manager}, key=key)
    assert bad["__typename"] == "ValidationFailed" and bad["fieldErrors"][0]["field"] == "memberId"
    unknown = move(api, "nominateAmbassador", {"memberId": str(uuid4()), "by": manager}, key=key)
    assert unknown["__typename"] == "NotFound", unknown
    staff = member(api, key)
    succeed(api, "markMemberAsStaff", {"memberId": staff, "value": True}, key=admin_key)
    refused = move(api, "nominateAmbassador", {"memberId": staff, "by": manager}, key=key)
    assert (refused["__typename"], refused["code"]) == ("Conflict", "NOT_ELIGIBLE"), refused
    ambassador = member(api, key)
    moved(api, "nominateAmbassador", {"memberId": ambassador, "by": manager}, key=key)
    for tier in ("", "x" * 51, "gold\u202e"):
        given = {"memberId": ambassador, "by": manager, "tier": tier}
        bad = move(api, "approveAmbassador", given, key=key)
        assert bad["__typename"] == "ValidationFailed", bad
        assert bad["fieldErrors"][0]["field"] == "tier"
    body = api.graphql(LIST, {"filter": {"tier": "x" * 51}, "first": 5}, key=key)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = api.graphql(LIST, {"first": 5, "after": "bm90IG91cnM="}, key=key)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETING, Role.PRODUCT])
def test_only_admin_and_manager_move_ambassadors(
    api: Api, keys: dict[Role, str], role: Role
) -> None:
    some = str(uuid4())
    inputs = {"memberId": some, "by": some, "tier": "gold", "reason": "why"}
    needs = {"approveAmbassador": {"tier"}, "changeAmbassadorTier": {"tier"}}
    for name in MUTATIONS:
        wanted = needs.get(
            name, {"reason"} if name in ("declineAmbassador", "retireAmbassador") else set()
        )
        given = {k: v for k, v in inputs.items() if k in {"memberId", "by"} | wanted}
        result = move(api, name, given, key=keys[role])
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["requiredRoles"] == ["admin", "manager"]


def test_marketing_sees_an_ambassadors_email_only_with_consent(
    api: Api, keys: dict[Role, str], manager: str
) -> None:
    admin = keys[Role.ADMIN]
    consenting = active(api, admin, manager, email="yes.amb@example.org")
    withdrawn = active(api, admin, manager, email="withdrawn.amb@example.org")
    silent = active(api, admin, manager, email="silent.amb@example.org")
    version, _ = registered(api, admin)
    for member_id in (consenting, withdrawn):
        give_consent(api, admin, member_id, version)
    withdraw_consent(api, admin, withdrawn)

    def emails(role: Role) -> dict[str, str | None]:
        found = {}
        for member_id in (consenting, withdrawn, silent):
            seen = ambassadorship_of(api, member_id, key=keys[role])
            assert seen is not None
            found[member_id] = seen["email"]
        return found

    assert emails(Role.MARKETING) == {
        consenting: "yes.amb@example.org",
        withdrawn: None,
        silent: None,
    }
    assert set(emails(Role.VIEWER).values()) == {None}
    assert emails(Role.MANAGER)[silent] == "silent.amb@example.org"
    body = api.graphql(
        LIST, {"filter": {"status": "ACTIVE"}, "first": 100}, key=keys[Role.MARKETING]
    )
    assert "errors" not in body, body
    listed = {
        e["node"]["memberId"]: e["node"]["email"] for e in body["data"]["ambassadors"]["edges"]
    }
    assert listed[consenting] == "yes.amb@example.org" and listed[silent] is None


def test_the_list_pages_and_filters(api: Api, keys: dict[Role, str], manager: str) -> None:
    key = keys[Role.ADMIN]
    tier = f"t{uuid4().hex[:8]}"
    ids = []
    for _ in range(3):
        member_id = member(api, key)
        moved(api, "nominateAmbassador", {"memberId": member_id, "by": manager}, key=key)
        moved(
            api, "approveAmbassador", {"memberId": member_id, "by": manager, "tier": tier}, key=key
        )
        ids.append(member_id)
    seen, after = [], None
    while True:
        variables = {"filter": {"tier": tier, "status": "ACTIVE"}, "first": 2, "after": after}
        body = api.graphql(LIST, variables, key=keys[Role.VIEWER])
        assert "errors" not in body, body
        page = body["data"]["ambassadors"]
        seen += [e["node"]["memberId"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == list(reversed(ids))
