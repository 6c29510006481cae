"""Relay object identification over HTTP: globalId, and node(id:) with each role's masking."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from tests.api.conftest import MEMBER_FIELDS, Api, join

NODE = f"""
query Node($id: ID!) {{
  node(id: $id) {{
    __typename
    globalId
    ... on Member {{ {MEMBER_FIELDS} }}
    ... on Interaction {{ id memberId channel kind externalId threadRef url summary }}
  }}
}}
"""
MEMBER = f"query One($id: ID!) {{ member(id: $id) {{ globalId {MEMBER_FIELDS} }} }}"
RECORD = """
mutation($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    __typename
    ... on InteractionRecorded { interaction { id globalId } }
  }
}
"""
MALFORMED = "id: not a global id (pass a globalId this API handed out)"


def global_id(type_name: str, node_id: str) -> str:
    """A global id as Relay writes it: base64 of `TypeName:id`."""
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


def node(api: Api, id: str, *, key: str) -> dict[str, Any]:
    """The whole answer of node(id:)."""
    return api.graphql(NODE, {"id": id}, key=key)


def refused(body: dict[str, Any]) -> str:
    """The message of the one BAD_USER_INPUT error of node(id:), which answered null."""
    assert body["data"] == {"node": None}, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["path"] == ["node"], error
    message: str = error["message"]
    return message


@pytest.fixture(scope="module")
def person(api: Api, admin_key: str) -> dict[str, Any]:
    """A member with personal data and one interaction, as an admin sees them."""
    mark = uuid.uuid4().hex[:10]
    member = join(
        api,
        admin_key,
        displayName=f"Node Person {mark}",
        email=f"node.{mark}@example.org",
        identities=[{"channel": "DISCORD", "handle": f"noder_{mark}"}],
        attributes={"city": f"Nodeville{mark}"},
    )
    input_ = {
        "memberId": member["id"],
        "channel": "FORUM",
        "kind": "POST",
        "occurredAt": "2026-11-20T18:02:00Z",
        "externalId": f"node-{mark}",
        "url": f"https://forum.example/t/{mark}",
        "summary": f"Node remark {mark}",
    }
    recorded = api.graphql(RECORD, {"input": input_}, key=admin_key)
    result = recorded["data"]["recordInteraction"]
    assert result["__typename"] == "InteractionRecorded", recorded
    return {**member, "mark": mark, "interaction": result["interaction"]}


def test_global_ids_are_base64_of_type_name_and_the_unchanged_id(
    api: Api, admin_key: str, person: dict[str, Any]
) -> None:
    """`id` stays the UUID clients hold; `globalId` is base64 of `TypeName:id`."""
    member = api.graphql(MEMBER, {"id": person["id"]}, key=admin_key)["data"]["member"]
    assert member["id"] == person["id"] and uuid.UUID(member["id"])
    assert member["globalId"] == global_id("Member", person["id"])
    interaction = person["interaction"]
    assert interaction["globalId"] == global_id("Interaction", interaction["id"])


@pytest.mark.parametrize("role_key", ["admin_key", "viewer_key"])
def test_node_answers_a_member_exactly_as_member_does_for_each_role(
    api: Api, person: dict[str, Any], role_key: str, request: pytest.FixtureRequest
) -> None:
    """node(id:) is member(id:) with the same masking: a viewer gets no personal data."""
    key = request.getfixturevalue(role_key)
    body = node(api, global_id("Member", person["id"]), key=key)
    assert "errors" not in body, body
    found = body["data"]["node"]
    assert found.pop("__typename") == "Member"
    assert found == api.graphql(MEMBER, {"id": person["id"]}, key=key)["data"]["member"]
    hidden = role_key == "viewer_key"
    assert found["personalDataHidden"] is hidden
    if hidden:
        assert found["displayName"] is None and found["email"] is None
        assert found["attributes"] is None
        assert [i["handle"] for i in found["identities"]] == [None]
    else:
        assert found["email"] == f"node.{person['mark']}@example.org"
        assert found["identities"][0]["handle"] == f"noder_{person['mark']}"


def test_node_answers_an_interaction_with_its_content_masked_for_a_viewer(
    api: Api, admin_key: str, viewer_key: str, person: dict[str, Any]
) -> None:
    """Interactions are nodes too; url and summary are personal data."""
    interaction = person["interaction"]
    seen = {}
    for name, key in (("admin", admin_key), ("viewer", viewer_key)):
        body = node(api, interaction["globalId"], key=key)
        assert "errors" not in body, body
        seen[name] = body["data"]["node"]
    mark = person["mark"]
    assert seen["admin"]["__typename"] == "Interaction"
    assert seen["admin"]["id"] == interaction["id"]
    assert seen["admin"]["memberId"] == person["id"]
    assert seen["admin"]["externalId"] == f"node-{mark}"
    assert seen["admin"]["url"] == f"https://forum.example/t/{mark}"
    assert seen["admin"]["summary"] == f"Node remark {mark}"
    assert seen["viewer"] == {**seen["admin"], "url": None, "summary": None}


@pytest.mark.parametrize("type_name", ["Member", "Interaction"])
def test_an_unknown_id_of_a_node_type_is_null(api: Api, admin_key: str, type_name: str) -> None:
    """No such object: null, as member(id:) answers, and no error."""
    body = node(api, global_id(type_name, str(uuid.uuid4())), key=admin_key)
    assert body == {"data": {"node": None}}


@pytest.mark.parametrize(
    "bad_id",
    [
        "not base64 at all!",
        base64.b64encode(b"no colon here").decode(),
        global_id("", "675d6e70-7926-4f8b-a943-311bbdb5ec5c"),
        "",
    ],
)
def test_a_malformed_global_id_is_bad_user_input(api: Api, admin_key: str, bad_id: str) -> None:
    """An id that is not base64 of `TypeName:id` is refused, not an internal error."""
    assert refused(node(api, bad_id, key=admin_key)) == MALFORMED


@pytest.mark.parametrize(
    ("type_name", "message"),
    [
        ("Member", "id: not a member id (a UUID)"),
        ("Interaction", "id: not an interaction id (a UUID)"),
    ],
)
def test_a_global_id_whose_own_id_is_no_uuid_is_bad_user_input(
    api: Api, admin_key: str, type_name: str, message: str
) -> None:
    """The type's own id is checked as its own query checks it."""
    assert refused(node(api, global_id(type_name, "42"), key=admin_key)) == message


@pytest.mark.parametrize("type_name", ["AtRiskMember", "RankedMember", "PageInfo", "Node", "Nope"])
def test_a_type_without_node_support_is_bad_user_input(
    api: Api, admin_key: str, type_name: str
) -> None:
    """Views of a member at a moment (and unknown types) cannot be fetched by node()."""
    body = node(api, global_id(type_name, str(uuid.uuid4())), key=admin_key)
    assert refused(body) == f"id: {type_name} objects cannot be fetched by node()"
