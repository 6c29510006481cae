"""Marketing reads ambassadors and runs the export, and no other member's personal data:
no names, e-mails, handles or attributes in any member view, and no search or sort by them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api.auth import Role
from domain.feedback import commands as fc
from domain.feedback.workflow import FeedbackKind
from domain.values import Channel
from tests.api.conftest import Api, join, unique

VIEWS = """
query Views($id: ID!, $item: ID!) {
  member(id: $id) {
    displayName email attributes personalDataHidden identities { handle }
    history(first: 5) { data }
    interactions(first: 5) { edges { node { summary url } } }
  }
  members(first: 100) { nodes { id displayName email attributes } }
  topMembers(first: 100) { edges { node { member { id displayName email } } } }
  feedbackItem(id: $item) { author { displayName email } }
}
"""
REFUSED = {
    "memberByIdentity": '{ memberByIdentity(channel: GITHUB, handle: "someone") { id } }',
    "members(search)": '{ members(filter: {search: "Secret"}) { nodes { id } } }',
    "members(byName)": "{ members(orderBy: DISPLAY_NAME_ASC) { nodes { id } } }",
}
RECORD = """
mutation Record($input: RecordInteractionInput!) { recordInteraction(input: $input) { __typename } }
"""


def test_marketing_sees_no_members_personal_data_in_any_view(
    disclosures_api: Api, keys: dict[Role, str]
) -> None:
    api, admin = disclosures_api, keys[Role.ADMIN]
    secret = unique("Secret Person ")
    member = join(
        api,
        admin,
        displayName=secret,
        email=f"{unique('secret')}@example.org",
        attributes={"city": "Oslo"},
        identities=[{"channel": "GITHUB", "handle": unique("secret-")}],
    )["id"]
    occurred = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    interaction = {
        "memberId": member,
        "channel": "GITHUB",
        "kind": "PULL_REQUEST",
        "occurredAt": occurred,
        "externalId": unique("pr-"),
        "summary": f"{secret} fixed the docs",
        "url": "https://git.example/pr/1",
    }
    api.graphql(RECORD, {"input": interaction}, key=admin)
    item = api.services.use_cases.feedback.submit(
        fc.SubmitFeedback(
            author_id=UUID(member), channel=Channel.GITHUB, kind=FeedbackKind.IDEA, text="An idea"
        )
    )
    api.services.wait_for("feedback", item.position)
    api.services.wait_for("engagement", item.position)
    variables = {"id": member, "item": str(item.item.id)}

    seen = api.graphql(VIEWS, variables, key=admin)["data"]
    assert seen["member"]["displayName"] == secret  # the same document shows it to an admin

    body = api.graphql(VIEWS, variables, key=keys[Role.MARKETING])
    assert "errors" not in body, body
    views: dict[str, Any] = body["data"]
    assert views["member"]["personalDataHidden"] is True
    assert views["member"]["identities"] == [{"handle": None}]
    assert views["feedbackItem"]["author"] == {"displayName": None, "email": None}
    (pr,) = views["member"]["interactions"]["edges"]
    assert pr["node"] == {"summary": None, "url": None}
    ranked = [e["node"]["member"] for e in views["topMembers"]["edges"]]
    assert member in {m["id"] for m in ranked}
    assert all(m["displayName"] is None and m["email"] is None for m in ranked)
    assert all(
        m["displayName"] is None and m["email"] is None and m["attributes"] is None
        for m in views["members"]["nodes"]
    )
    # Not a trace of the name, e-mail, handle or city anywhere in the answer.
    for value in (secret, "@example.org", "secret-", "Oslo"):
        assert value not in str(views), value

    for name, document in REFUSED.items():
        refused = api.graphql(document, key=keys[Role.MARKETING])
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", name
