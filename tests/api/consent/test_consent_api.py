"""Consent over real HTTP: texts, give, withdraw, give again, member.consents, and roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, join, mutate, unique
from tests.api.consent.helpers import CONSENT, GIVE, REGISTER, WITHDRAW, registered, run

CONSENTS = f"query One($id: ID!) {{ member(id: $id) {{ id consents {{ {CONSENT} }} }} }}"
TEXTS = "query T($p: ConsentPurpose!) { consentTexts(purpose: $p) { version text sha256 } }"


def consents(api: Api, member_id: str, key: str) -> dict[str, dict[str, Any]]:
    body = api.graphql(CONSENTS, {"id": member_id}, key=key)
    assert "errors" not in body, body
    return {c["purpose"]: c for c in body["data"]["member"]["consents"]}


def test_give_withdraw_and_give_again_with_proof_and_history(api: Api, admin_key: str) -> None:
    version, wording = registered(api, admin_key)
    member = join(api, admin_key)["id"]
    staff = join(api, admin_key)["id"]
    assert mutate(api, "markMemberAsStaff", {"memberId": staff}, key=admin_key)
    at = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    ends = (datetime.now(UTC) + timedelta(days=365)).isoformat()
    given = {
        "memberId": member,
        "purpose": "MARKETING_EMAIL",
        "textVersion": version,
        "source": "STAFF",
        "at": at,
        "expiresAt": ends,
        "recordedBy": staff,
        "note": "Asked at the Berlin meetup",
    }
    result = run(api, GIVE, given, admin_key)
    assert result["__typename"] == "ConsentGiven", result
    consent = result["consent"]  # read your write
    assert (consent["state"], consent["holds"]) == ("GIVEN", True)
    proof = consent["proof"]
    assert (proof["textVersion"], proof["text"], proof["recordedBy"]) == (version, wording, staff)
    assert proof["source"] == "STAFF" and len(proof["textSha256"]) == 64

    withdrawal = {"memberId": member, "purpose": "MARKETING_EMAIL", "source": "FORM"}
    result = run(api, WITHDRAW, withdrawal, admin_key)
    assert result["__typename"] == "ConsentWithdrawn", result
    assert (result["consent"]["state"], result["consent"]["holds"]) == ("WITHDRAWN", False)
    assert result["consent"]["proof"]["text"] is None

    again = {k: v for k, v in given.items() if k not in ("at", "expiresAt", "note", "recordedBy")}
    result = run(api, GIVE, again | {"source": "FORM"}, admin_key)
    assert (result["consent"]["state"], result["consent"]["holds"]) == ("GIVEN", True)

    found = consents(api, member, admin_key)
    assert set(found) == {"MARKETING_EMAIL", "PUBLIC_LISTING", "CASE_STUDY"}
    assert found["PUBLIC_LISTING"] == {
        "purpose": "PUBLIC_LISTING",
        "state": "NONE",
        "holds": False,
        "proof": None,
        "history": [],
    }
    history = found["MARKETING_EMAIL"]["history"]
    assert [h["given"] for h in history] == [True, False, True]
    assert history[0]["note"] == "Asked at the Berlin meetup"
    assert history[0]["recordedWith"] is not None and history[1]["textVersion"] is None
    assert found["MARKETING_EMAIL"]["proof"]["source"] == "FORM"


def test_withdrawing_with_nothing_on_record_is_recorded(api: Api, admin_key: str) -> None:
    member = join(api, admin_key)["id"]
    withdrawal = {"memberId": member, "purpose": "CASE_STUDY", "source": "STAFF", "note": "No"}
    result = run(api, WITHDRAW, withdrawal, admin_key)
    assert result["consent"]["state"] == "WITHDRAWN"
    assert [h["given"] for h in result["consent"]["history"]] == [False]


def test_a_text_version_is_registered_once_and_listed(api: Api, admin_key: str) -> None:
    version, wording = registered(api, admin_key, "CASE_STUDY")
    again = {"purpose": "CASE_STUDY", "version": version, "text": "Changed wording"}
    result = run(api, REGISTER, again, admin_key)
    assert result["__typename"] == "ConsentTextAlreadyRegistered", result
    assert result["code"] == "CONSENT_TEXT_ALREADY_REGISTERED"
    body = api.graphql(TEXTS, {"p": "CASE_STUDY"}, key=admin_key)
    texts = [t for t in body["data"]["consentTexts"] if t["version"] == version]
    assert [t["text"] for t in texts] == [wording]


def _give(member: str, version: str, **fields: Any) -> dict[str, Any]:
    base = {"memberId": member, "purpose": "MARKETING_EMAIL", "textVersion": version}
    return base | {"source": "FORM"} | fields


def test_refusals_name_the_field_or_the_rule(api: Api, admin_key: str) -> None:
    version, _ = registered(api, admin_key)
    member = join(api, admin_key)["id"]
    now = datetime.now(UTC)
    refused = {
        "textVersion": _give(member, unique("missing")),
        "at": _give(member, version, at=(now + timedelta(days=2)).isoformat()),
        "expiresAt": _give(member, version, at=now.isoformat(), expiresAt=now.isoformat()),
        "note": _give(member, version, note="bell\u0007"),
        "recordedBy": _give(member, version, recordedBy=member),
    }
    for field, given in refused.items():
        result = run(api, GIVE, given, admin_key)
        assert result["__typename"] == "ValidationFailed", (field, result)
        assert [e["field"] for e in result["fieldErrors"]] == [field], result
    bad = {"purpose": "MARKETING_EMAIL", "version": "no spaces", "text": "x"}
    result = run(api, REGISTER, bad, admin_key)
    assert [e["field"] for e in result["fieldErrors"]] == ["version"]
    unknown = run(api, GIVE, _give("7a0c4a1e-7c1d-4a4e-9c39-3f0e4d3a2b1c", version), admin_key)
    assert unknown["__typename"] == "NotFound"
    assert mutate(api, "eraseMember", {"memberId": member}, key=admin_key)
    erased = run(
        api, WITHDRAW, {"memberId": member, "purpose": "CASE_STUDY", "source": "FORM"}, admin_key
    )
    assert (erased["__typename"], erased["code"]) == ("Conflict", "MEMBER_ERASED")
    assert consents(api, member, admin_key)["MARKETING_EMAIL"]["state"] == "NONE"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETING, Role.PRODUCT])
def test_only_admins_and_managers_record_and_read_consents(
    api: Api, admin_key: str, role: Role
) -> None:
    version, _ = registered(api, api.key(Role.MANAGER))
    member = join(api, admin_key)["id"]
    key = api.key(role)
    for document, input in (
        (GIVE, _give(member, version)),
        (WITHDRAW, {"memberId": member, "purpose": "MARKETING_EMAIL", "source": "FORM"}),
        (REGISTER, {"purpose": "CASE_STUDY", "version": unique("v"), "text": "x"}),
    ):
        result = run(api, document, input, key)
        assert result["__typename"] == "Forbidden", result
        assert result["requiredRoles"] == ["admin", "manager"]
    body = api.graphql(CONSENTS, {"id": member}, key=key)
    assert body["data"]["member"]["consents"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.graphql(TEXTS, {"p": "MARKETING_EMAIL"}, key=key)["data"]["consentTexts"]


def test_the_audit_trail_shows_other_roles_no_consent_details(api: Api, admin_key: str) -> None:
    version, _ = registered(api, admin_key)
    member = join(api, admin_key)["id"]
    run(api, GIVE, _give(member, version, note="Private remark"), admin_key)
    history = "query H($id: ID!) { member(id: $id) { history { type data } } }"
    seen = {}
    for role, key in (("admin", admin_key), ("viewer", api.key(Role.VIEWER))):
        body = api.graphql(history, {"id": member}, key=key)
        (event,) = [e for e in body["data"]["member"]["history"] if e["type"] == "CONSENT_GIVEN"]
        seen[role] = event["data"]
    assert seen["admin"]["purpose"] == "marketing_email"
    assert seen["admin"]["note"] == "Private remark"
    assert seen["viewer"] and set(seen["viewer"].values()) == {None}
