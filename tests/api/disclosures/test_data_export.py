"""GET /members/{id}/data-export (GDPR Art. 15) over real HTTP: everything held on a person,
from every context, in one document; an erased member's says only that; each recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from psycopg.types.json import Jsonb

from api.auth import Role
from application.feedback.saving import FeedbackChange
from domain.feedback import commands as fc
from domain.feedback.workflow import FeedbackKind
from domain.values import Channel
from projections.disclosures.data_subject import (
    CONDUCT_DESCRIPTION,
    CONDUCT_EVIDENCE_URL,
    CONSENT_NOTE,
)
from projections.personal import seal_value
from projections.positions import head_of_log
from tests.api.conftest import Api, join, succeed, unique
from tests.api.disclosures.conftest import (
    export_rows,
    get,
    give_marketing_consent_by_sql,
    make_ambassador_by_sql,
    wait_for_disclosures,
)

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


def record_conduct_incident_by_sql(api: Api, member_id: str, description: str) -> UUID:
    """An upheld incident as the conduct projection writes it (reportConductIncident then
    decideConductIncident, once the CONDUCT context is merged): sealed under the member's key."""
    incident, member = uuid4(), UUID(member_id)
    key = api.services.runtime.community.keyring.key_for(member, create=False)
    with api.services.pool.connection() as conn:
        conn.execute(
            "INSERT INTO conduct_incidents (incident_id, member_id, channel, sealed_description,"
            " sealed_evidence_url, status, severity, reported_at, decided_at, version, position,"
            " changed_at) VALUES (%s, %s, 'discord', %s, %s, 'upheld', 'warning', %s, %s, 3, 0,"
            " %s)",
            (
                incident,
                member,
                seal_value(key, description, CONDUCT_DESCRIPTION, incident),
                seal_value(key, "https://chat.example/m/1", CONDUCT_EVIDENCE_URL, incident),
                NOW - timedelta(days=3),
                NOW - timedelta(days=2),
                NOW,
            ),
        )
    return incident


def record_consent_history_by_sql(api: Api, member_id: str, note: str) -> None:
    """A consent event as the consent projection keeps it (giveConsent with a note), the
    note sealed under the member's key, bound to member and position."""
    member = UUID(member_id)
    key = api.services.runtime.community.keyring.key_for(member, create=False)
    sealed = seal_value(key, note, CONSENT_NOTE, f"{member}:77")
    with api.services.pool.connection() as conn:
        conn.execute(
            "INSERT INTO consent_history (member_id, position, purpose, given, text_version,"
            " source, at, sealed_note) VALUES (%s, 77, 'marketing_email', true, 'v1', 'staff',"
            " %s, %s)",
            (member, NOW, sealed),
        )


def record_program_history_by_sql(api: Api, member_id: str) -> None:
    """The program's moves as its projection writes them (nominate, approve)."""
    with api.services.pool.connection() as conn:
        for position, (move, status) in enumerate(
            (("nominate", "nominated"), ("approve", "active"))
        ):
            conn.execute(
                "INSERT INTO ambassador_history (member_id, position, move, status, tier, at,"
                " detail) VALUES (%s, %s, %s, %s, 'gold', %s, %s)",
                (member_id, position + 1, move, status, NOW, Jsonb({})),
            )


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
    disclosures_api: Api, keys: dict[Role, str]
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
    make_ambassador_by_sql(api, ada, tier=tier)
    record_program_history_by_sql(api, ada)
    give_marketing_consent_by_sql(api, ada)
    record_consent_history_by_sql(api, ada, "Asked at the meetup, by phone")
    incident = record_conduct_incident_by_sql(api, ada, "Insulted a newcomer")
    api.services.wait_for("engagement", head_of_log(api.services.pool))
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
        "v1",
    )
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
    assert [h["move"] for h in document["ambassadorProgram"]["history"]] == ["nominate", "approve"]
    (conduct,) = document["conduct"]["incidents"]
    assert conduct["incidentId"] == str(incident)
    assert conduct["description"] == "Insulted a newcomer"
    assert conduct["evidenceUrl"] == "https://chat.example/m/1"
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
    disclosures_api: Api, keys: dict[Role, str]
) -> None:
    api, admin = disclosures_api, keys[Role.ADMIN]
    gone = join(api, admin, displayName="Erased Person", email="erased@example.org")["id"]
    record_conduct_incident_by_sql(api, gone, "Something about them")
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
