"""GET /members/{id}/data-export (GDPR Art. 15) over real HTTP: everything held on a person,
from every context, in one document; an erased member's says only that; each recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.auth import Role
from application.feedback.saving import FeedbackChange
from domain.feedback import commands as fc
from domain.feedback.workflow import FeedbackKind
from domain.values import Channel
from projections.positions import head_of_log
from tests.api.conduct.helpers import ok
from tests.api.conftest import Api, join, succeed, unique
from tests.api.disclosures.conftest import Contexts, export_rows, get, wait_for_disclosures

NOW = datetime.now(UTC)
RECORD = """
mutation Record($input: RecordInteractionInput!) {
  recordInteraction(input: $input) { __typename }
}
"""
SCORE = "query Score($id: ID!) { member(id: $id) { engagement { score } } }"
MEMBER_DISCLOSURES = """
query Of($id: ID!) { member(id: $id) { disclosures(first: 10) { edges { node { id kind } } } } }
"""


def data_export(api: Api, member_id: str, key: str) -> dict[str, Any]:
    response = get(api, f"/members/{member_id}/data-export", key)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    document: dict[str, Any] = response.json()
    return document


def report_incident(contexts: Contexts, member_id: str, description: str) -> str:
    """reportConductIncident about the member: the incident's id."""
    report = {
        "memberId": member_id,
        "channel": "DISCORD",
        "description": description,
        "evidenceUrl": "https://chat.example/m/1",
    }
    reported = ok(contexts.api, "reportConductIncident", report, contexts.admin)
    incident: str = reported["incidentId"]
    return incident


def upheld_and_appealed(contexts: Contexts, incident: str) -> None:
    """A warning upheld, appealed, and the appeal decided: each with its reason."""
    api, admin, by = contexts.api, contexts.admin, {"incidentId": incident}
    decision = {"decidedBy": contexts.staff, "decision": "UPHOLD", "severity": "WARNING"}
    ok(api, "decideConductIncident", by | decision | {"reason": "Seen by two moderators"}, admin)
    ok(api, "appealConductIncident", by | {"reason": "It was a joke between friends"}, admin)
    outcome = {"decidedBy": contexts.staff, "outcome": "UPHELD", "reason": "Not a joke to them"}
    ok(api, "decideConductAppeal", by | outcome, admin)


def feedback_from(api: Api, author: str, supporter: str) -> FeedbackChange:
    """An item the author gave (through the feedback desk) and the supporter backed."""
    desk = api.services.use_cases.feedback
    change = desk.submit(
        fc.SubmitFeedback(
            author_id=UUID(author),
            channel=Channel.DISCORD,
            kind=FeedbackKind.IDEA,
            text="Dark mode for the forum, please",
            source_url="https://forum.example/t/42",
        )
    )
    supported = desk.support(fc.SupportFeedback(item_id=change.item.id, member_id=UUID(supporter)))
    api.services.wait_for("feedback", supported.position)
    return change


def test_the_access_export_holds_the_person_in_every_context(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, admin = disclosures_api, keys[Role.ADMIN]
    email = f"{unique('ada')}@example.org"
    ada = join(
        api,
        admin,
        displayName="Ada Subject",
        email=email,
        attributes={"city": "Lyon"},
        identities=[{"channel": "GITHUB", "handle": unique("ada-")}],
    )["id"]
    other = join(api, admin)["id"]
    recorded = api.graphql(
        RECORD,
        {
            "input": {
                "memberId": ada,
                "channel": "DISCORD",
                "kind": "TALK_GIVEN",
                "occurredAt": (NOW - timedelta(days=1)).isoformat(),
                "externalId": unique("talk-"),
                "summary": "Talk on event sourcing",
            }
        },
        key=admin,
    )
    assert recorded["data"]["recordInteraction"]["__typename"] == "InteractionRecorded"
    given = feedback_from(api, ada, other)
    feedback_from(api, other, ada)
    tier = unique("tier-")
    contexts.ambassador(ada, tier=tier)
    contexts.move("pauseAmbassador", ada, reason="Caring for a parent")
    contexts.move("resumeAmbassador", ada)
    contexts.give_consent(ada, source="STAFF", note="Asked at the meetup, by phone")
    incident = report_incident(contexts, ada, "Insulted a newcomer")
    upheld_and_appealed(contexts, incident)
    head = head_of_log(api.services.pool)
    for projection in ("engagement", "ambassadors", "consent", "conduct"):
        assert api.services.wait_for(projection, head)
    (row,) = export_rows(api, keys[Role.MARKETING], tier=tier)
    # The export's score is the member's engagement score now, as GraphQL shows it.
    score = api.graphql(SCORE, {"id": ada}, key=admin)["data"]["member"]["engagement"]["score"]
    assert score > 0 and float(row["engagement score"]) == pytest.approx(score, rel=1e-3)
    wait_for_disclosures(api)

    document = data_export(api, ada, keys[Role.MANAGER])
    assert document["memberId"] == ada and document["erased"] is False
    profile = document["profile"]
    assert (profile["displayName"], profile["email"]) == ("Ada Subject", email)
    assert profile["attributes"] == {"city": "Lyon"}
    assert [i["channel"] for i in document["identities"]] == ["github"]
    assert document["identities"][0]["handle"].startswith("ada-")
    (consent,) = document["consents"]["current"]
    assert (consent["purpose"], consent["given"], consent["textVersion"]) == (
        "marketing_email",
        True,
        contexts.text_version,
    )
    assert consent["consentText"].startswith("Yes, e-mail me")
    (proof,) = document["consents"]["history"]
    assert (proof["source"], proof["note"]) == ("staff", "Asked at the meetup, by phone")
    (talk,) = document["interactions"]
    assert (talk["kind"], talk["summary"]) == ("talk_given", "Talk on event sourcing")
    (mine,) = document["feedback"]["given"]
    assert mine["itemId"] == str(given.item.id)
    assert mine["text"] == "Dark mode for the forum, please"
    assert mine["sourceUrl"] == "https://forum.example/t/42"
    assert len(document["feedback"]["supported"]) == 1
    assert document["ambassadorProgram"]["current"]["tier"] == tier
    history = document["ambassadorProgram"]["history"]
    assert [h["move"] for h in history] == ["nominate", "approve", "pause", "resume"]
    assert [h["reason"] for h in history] == [None, None, "Caring for a parent", None]
    (conduct,) = document["conduct"]["incidents"]
    assert (conduct["incidentId"], conduct["status"]) == (incident, "upheld")
    assert conduct["description"] == "Insulted a newcomer"
    assert conduct["evidenceUrl"] == "https://chat.example/m/1"
    assert conduct["decisionReason"] == "Seen by two moderators"
    assert conduct["appealReason"] == "It was a joke between friends"
    assert (conduct["appealOutcome"], conduct["appealDecisionReason"]) == (
        "upheld",
        "Not a joke to them",
    )
    assert document["conduct"]["standing"] is None  # a warning leaves the standing good
    (disclosed,) = document["disclosures"]
    assert (disclosed["kind"], disclosed["filter"]["tier"]) == ("marketing_ambassadors", tier)

    # The access export is itself recorded, and listed on the member for managers.
    assert document["export"]["exportId"]
    wait_for_disclosures(api)
    body = api.graphql(MEMBER_DISCLOSURES, {"id": ada}, key=admin)
    kinds = [e["node"]["kind"] for e in body["data"]["member"]["disclosures"]["edges"]]
    assert kinds == ["DATA_SUBJECT_ACCESS", "MARKETING_AMBASSADORS"]
    again = data_export(api, ada, admin)
    assert [d["kind"] for d in again["disclosures"]] == [
        "marketing_ambassadors",
        "data_subject_access",
    ]


def test_an_erased_members_export_says_only_that(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, admin = disclosures_api, keys[Role.ADMIN]
    gone = join(api, admin, displayName="Erased Person", email="erased@example.org")["id"]
    report_incident(contexts, gone, "Something about them")
    erased = succeed(api, "eraseMember", {"memberId": gone}, key=admin)
    document = data_export(api, gone, admin)
    assert set(document) == {"memberId", "erased", "erasedAt"}
    assert document["erased"] is True
    assert document["erasedAt"][:19] == erased["erasedAt"][:19]
    assert "Erased" not in str(document) and "Something" not in str(document)


def test_the_access_export_is_for_personal_data_roles_and_known_members(
    disclosures_api: Api, keys: dict[Role, str]
) -> None:
    api = disclosures_api
    member = join(api, keys[Role.ADMIN])["id"]
    for role in (Role.MARKETING, Role.VIEWER, Role.PRODUCT):
        assert get(api, f"/members/{member}/data-export", keys[role]).status_code == 403
    assert get(api, f"/members/{uuid4()}/data-export", keys[Role.ADMIN]).status_code == 404
    assert get(api, "/members/not-a-uuid/data-export", keys[Role.ADMIN]).status_code == 422
    body = api.graphql(MEMBER_DISCLOSURES, {"id": member}, key=keys[Role.MARKETING])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
