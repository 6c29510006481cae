"""Personal data is sealed in the read models and opened at the API edge, per role."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from api.auth import Role
from tests.api.conftest import MEMBER_FIELDS, Api, join, settle

MEMBER_PAGE = f"""
query Page($id: ID!) {{
  member(id: $id) {{
    {MEMBER_FIELDS}
    interactions(first: 10) {{ edges {{ node {{ externalId threadRef url summary }} }} }}
  }}
  members(filter: {{tag: "sealed-test"}}, first: 100) {{ nodes {{ id displayName email }} }}
}}
"""
RECORD = """
mutation($input: RecordInteractionInput!) {
  recordInteraction(input: $input) {
    __typename
    ... on InteractionRecorded { interaction { url summary } }
    ... on Error { message }
  }
}
"""
BY_IDENTITY = """
query($channel: Channel!, $handle: String!) {
  memberByIdentity(channel: $channel, handle: $handle) {
    id displayName identities { channel handle }
  }
}
"""


def raw_rows(api: Api, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Rows as stored, read beside the API."""
    with psycopg.connect(api.services.runtime.database_url, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()  # type: ignore[arg-type]


def holds(rows: list[tuple[Any, ...]], text: str) -> bool:
    """Whether any stored value, as text or bytes, contains the text (in any case)."""
    needle = text.lower()
    for row in rows:
        for value in row:
            raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
            if needle.encode() in raw.lower():
                return True
    return False


@pytest.fixture(scope="module")
def sealed_member(api: Api, admin_key: str) -> dict[str, Any]:
    """A tagged member with an e-mail, a handle, attributes and an interaction."""
    mark = uuid.uuid4().hex[:10]
    member = join(
        api,
        admin_key,
        displayName=f"Sealed Person {mark}",
        email=f"sealed.{mark}@example.org",
        identities=[{"channel": "DISCORD", "handle": f"Sealy_{mark}"}],
        attributes={"city": f"Sealcity{mark}"},
    )
    tagged = api.graphql(
        'mutation($id: ID!) { tagMember(input: {memberId: $id, tag: "sealed-test"}) '
        "{ __typename } }",
        {"id": member["id"]},
        key=admin_key,
    )
    assert tagged["data"]["tagMember"]["__typename"] == "MemberTagged"
    recorded = api.graphql(
        RECORD,
        {
            "input": {
                "memberId": member["id"],
                "channel": "FORUM",
                "kind": "POST",
                "occurredAt": "2026-11-20T18:02:00Z",
                "externalId": f"sealed-{mark}",
                "threadRef": f"thread-{mark}",
                "url": f"https://forum.example/t/{mark}",
                "summary": f"Sealed remark {mark}",
            }
        },
        key=admin_key,
    )
    assert recorded["data"]["recordInteraction"]["interaction"] == {
        "url": f"https://forum.example/t/{mark}",
        "summary": f"Sealed remark {mark}",
    }
    return {**member, "mark": mark}


def test_the_read_models_hold_no_plaintext_e_mail_handle_attribute_or_summary(
    api: Api, sealed_member: dict[str, Any]
) -> None:
    """What the API shows an admin is stored only as ciphertext and blind indexes."""
    mark, member_id = sealed_member["mark"], sealed_member["id"]
    stored = {
        "members": raw_rows(api, "SELECT * FROM members WHERE member_id = %s", (member_id,)),
        "member_identities": raw_rows(
            api, "SELECT * FROM member_identities WHERE member_id = %s", (member_id,)
        ),
        "member_interactions": raw_rows(
            api, "SELECT * FROM member_interactions WHERE member_id = %s", (member_id,)
        ),
    }
    assert all(stored.values())
    for secret in (f"sealed.{mark}", f"sealy_{mark}", f"sealcity{mark}", f"remark {mark}"):
        assert [table for table, rows in stored.items() if holds(rows, secret)] == [], secret
    # What stays plaintext by design: the display name, thread refs and external ids.
    assert holds(stored["members"], f"Sealed Person {mark}")
    assert holds(stored["member_interactions"], f"thread-{mark}")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_roles_with_personal_data_get_it_opened(
    api: Api, sealed_member: dict[str, Any], role: Role
) -> None:
    mark = sealed_member["mark"]
    body = api.graphql(MEMBER_PAGE, {"id": sealed_member["id"]}, key=api.key(role))
    assert "errors" not in body, body
    member = body["data"]["member"]
    assert member["displayName"] == f"Sealed Person {mark}"
    assert member["email"] == f"sealed.{mark}@example.org"
    assert member["attributes"] == {"city": f"Sealcity{mark}"}
    assert member["identities"][0]["handle"] == f"Sealy_{mark}"
    assert member["personalDataHidden"] is False
    (edge,) = member["interactions"]["edges"]
    assert edge["node"] == {
        "externalId": f"sealed-{mark}",
        "threadRef": f"thread-{mark}",
        "url": f"https://forum.example/t/{mark}",
        "summary": f"Sealed remark {mark}",
    }
    listed = {m["id"]: m for m in body["data"]["members"]["nodes"]}
    assert listed[sealed_member["id"]]["email"] == f"sealed.{mark}@example.org"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRODUCT, Role.MARKETING])
def test_roles_without_personal_data_get_nulls_and_nothing_is_opened_for_them(
    api: Api, sealed_member: dict[str, Any], role: Role, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    keyring = api.services.members.personal.keyring
    original = keyring.preload
    monkeypatch.setattr(keyring, "preload", lambda subjects: opened.append(subjects) or {})
    body = api.graphql(MEMBER_PAGE, {"id": sealed_member["id"]}, key=api.key(role))
    monkeypatch.setattr(keyring, "preload", original)
    assert "errors" not in body, body
    member = body["data"]["member"]
    assert (member["displayName"], member["email"], member["attributes"]) == (None, None, None)
    assert [i["handle"] for i in member["identities"]] == [None]
    assert member["personalDataHidden"] is True
    (edge,) = member["interactions"]["edges"]
    assert (edge["node"]["url"], edge["node"]["summary"]) == (None, None)
    assert edge["node"]["threadRef"] == f"thread-{sealed_member['mark']}"
    assert [m["displayName"] for m in body["data"]["members"]["nodes"]] == [None]
    mark = sealed_member["mark"]
    shown = str(body).replace(f"thread-{mark}", "").replace(f"sealed-{mark}", "")
    assert mark not in shown  # only the thread ref and external id carry it, by design
    # No key was even fetched for this role: nothing was decrypted.
    assert opened == []


def test_member_by_identity_finds_a_handle_through_its_blind_index(
    api: Api, admin_key: str, sealed_member: dict[str, Any]
) -> None:
    mark = sealed_member["mark"]
    for asked in (f"Sealy_{mark}", f"@sealy_{mark}", f"  SEALY_{mark} "):
        body = api.graphql(BY_IDENTITY, {"channel": "DISCORD", "handle": asked}, key=admin_key)
        assert body["data"]["memberByIdentity"] == {
            "id": sealed_member["id"],
            "displayName": f"Sealed Person {mark}",
            "identities": [{"channel": "DISCORD", "handle": f"Sealy_{mark}"}],
        }, asked
    # The same handle on another channel, or a part of it, is nobody.
    for channel, handle in (("SLACK", f"Sealy_{mark}"), ("DISCORD", f"Sealy_{mark[:4]}")):
        body = api.graphql(BY_IDENTITY, {"channel": channel, "handle": handle}, key=admin_key)
        assert body == {"data": {"memberByIdentity": None}}


def test_a_members_page_fetches_its_keys_in_one_query(
    api: Api, admin_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = f"keys-{uuid.uuid4().hex[:8]}"
    for n in range(12):
        member = join(api, admin_key, email=f"k{n}.{tag}@example.org")
        api.graphql(
            "mutation($id: ID!, $tag: String!) { tagMember(input: {memberId: $id, tag: $tag})"
            " { __typename } }",
            {"id": member["id"], "tag": tag},
            key=admin_key,
        )
    # The worker projects the joins and tags with the same key ring: let it finish first, so
    # that only the page's own key reads are counted.
    settle(api)
    keyring = api.services.members.personal.keyring
    calls: list[int] = []
    original = keyring.preload

    def counted(subjects: Any) -> Any:
        wanted = list(subjects)
        calls.append(len(set(wanted)))
        return original(wanted)

    monkeypatch.setattr(keyring, "preload", counted)
    body = api.graphql(
        f"{{ members(filter: {{tag: {tag!r}}}, first: 100) {{ nodes {{ email }} }} }}".replace(
            "'", '"'
        ),
        key=admin_key,
    )
    emails = sorted(node["email"] for node in body["data"]["members"]["nodes"])
    assert emails == sorted(f"k{n}.{tag}@example.org" for n in range(12))
    assert calls == [12]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRODUCT, Role.MARKETING])
def test_roles_without_personal_data_may_not_sort_by_name(
    api: Api, admin_key: str, sealed_member: dict[str, Any], role: Role
) -> None:
    """The order, and cursors carrying each row's sort key, would reveal names."""
    document = (
        "{ members(orderBy: DISPLAY_NAME_ASC, first: 5) { pageInfo { endCursor } nodes { id } } }"
    )
    body = api.graphql(document, key=api.key(role))
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "sort members by name" in error["message"]
    allowed = api.graphql(document, key=admin_key)
    assert "errors" not in allowed and allowed["data"]["members"]["nodes"]
