"""Bearer keys and roles: who may call, who may write, and who sees personal data."""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import MEMBER_FIELDS, Api, join, mutate, read_member, succeed, unique

MEMBERS = f"""
query List($filter: MemberFilterInput) {{
  members(filter: $filter) {{ totalCount nodes {{ {MEMBER_FIELDS} }} }}
}}
"""
BY_IDENTITY = "query($h: String!) { memberByIdentity(channel: DISCORD, handle: $h) { id } }"
HISTORY = "query($id: ID!) { member(id: $id) { history { type data } } }"
READ_ONLY_ROLES = [Role.VIEWER, Role.PRODUCT, Role.MARKETING]


def _post(api: Api, headers: dict[str, str], query: str = "{ __typename }") -> Any:
    return api.client.post(f"{api.url}/graphql", json={"query": query}, headers=headers)


@pytest.fixture
def person(api: Api, admin_key: str) -> dict[str, Any]:
    """A member with every kind of personal data, under a unique tag and name."""
    marker = unique("")
    member = join(
        api,
        admin_key,
        displayName=f"Private Person {marker}",
        email=f"private.{marker}@example.org",
        attributes={"phone": "555-0100"},
        identities=[{"channel": "DISCORD", "handle": f"secret{marker}"}],
    )
    tagged = succeed(
        api, "tagMember", {"memberId": member["id"], "tag": f"pd-{marker}"}, key=admin_key
    )
    return {**tagged, "marker": marker}


def test_graphql_without_a_key_is_401(api: Api) -> None:
    """A POST without Authorization is refused before GraphQL runs."""
    response = _post(api, {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "API key" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer crm_not-a-real-key",
        "Bearer not-even-prefixed",
        "Bearer",
        f"Bearer crm_{'x' * 43}",
        "Basic dXNlcjpwYXNz",
        "crm_lonely-secret",
    ],
)
def test_wrong_key_is_401(api: Api, header: str) -> None:
    """Unknown keys and other schemes are refused."""
    assert _post(api, {"Authorization": header}).status_code == 401


def test_key_of_another_scheme_is_refused(api: Api, admin_key: str) -> None:
    """A valid secret still needs the Bearer scheme; the scheme's case does not matter."""
    assert _post(api, {"Authorization": f"Token {admin_key}"}).status_code == 401
    response = _post(api, {"Authorization": f"bearer {admin_key}"})
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_revoked_key_is_401(api: Api) -> None:
    """A key works until it is revoked, and never after."""
    issued = api.services.api_keys.create(name=unique("revoke-me-"), role=Role.ADMIN)
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert _post(api, headers).status_code == 200
    assert api.services.api_keys.revoke(issued.key_id) is True
    assert _post(api, headers).status_code == 401
    assert api.client.get(f"{api.url}/metrics", headers=headers).status_code == 401


def test_metrics_needs_a_key(api: Api) -> None:
    """/metrics without a key, or with a wrong one, is 401."""
    assert api.client.get(f"{api.url}/metrics").status_code == 401
    wrong = {"Authorization": "Bearer crm_wrong"}
    assert api.client.get(f"{api.url}/metrics", headers=wrong).status_code == 401


def test_healthz_needs_no_key(api: Api) -> None:
    """/healthz answers without a key."""
    response = api.client.get(f"{api.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_graphiql_page_needs_no_key(api: Api) -> None:
    """A browser's GET for the IDE gets the static GraphiQL page without a key."""
    response = api.client.get(f"{api.url}/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


def test_get_query_needs_a_key(api: Api, admin_key: str) -> None:
    """A GET that runs an operation is 401 without a key, and answered with one."""
    params = {"query": "{ __typename }"}
    headers = {"Accept": "application/json"}
    assert api.client.get(f"{api.url}/graphql", params=params, headers=headers).status_code == 401
    ok = api.client.get(
        f"{api.url}/graphql",
        params=params,
        headers={**headers, "Authorization": f"Bearer {admin_key}"},
    )
    assert ok.status_code == 200
    assert ok.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", ["text/html", "text/html,application/json;q=0.9"])
def test_get_query_with_html_accept_needs_a_key(api: Api, accept: str) -> None:
    """Asking for HTML does not let an operation (even introspection) run without a key."""
    response = api.client.get(
        f"{api.url}/graphql",
        params={"query": "{ __schema { queryType { name } } }"},
        headers={"Accept": accept},
    )
    assert response.status_code == 401
    assert "queryType" not in response.text


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_see_no_personal_data(api: Api, person: dict[str, Any], role: Role) -> None:
    """Viewer, product and marketing keys read members without name, e-mail, handles or
    attributes: the display name is personal data too."""
    key = api.key(role)
    member = read_member(api, person["id"], key=key)
    assert member is not None
    assert member["displayName"] is None
    assert member["email"] is None
    assert member["attributes"] is None
    assert member["personalDataHidden"] is True
    assert [(i["channel"], i["handle"]) for i in member["identities"]] == [("DISCORD", None)]
    assert member["channels"] == ["DISCORD"]
    assert member["tags"] == person["tags"]
    assert member["version"] == person["version"]

    body = api.graphql(MEMBERS, {"filter": {"tag": person["tags"][0]}}, key=key)
    (listed,) = body["data"]["members"]["nodes"]
    assert listed == member
    for secret in ("example.org", f"secret{person['marker']}", "555-0100", person["displayName"]):
        assert secret not in str(body)


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_see_history_without_personal_data(
    api: Api, person: dict[str, Any], role: Role
) -> None:
    """History hides e-mails, handles and attributes from roles without personal-data access."""
    body = api.graphql(HISTORY, {"id": person["id"]}, key=api.key(role))
    joined, linked, tagged = body["data"]["member"]["history"]
    assert joined["type"] == "JOINED"
    assert joined["data"]["email"] is None and joined["data"]["attributes"] is None
    assert linked["data"] == {"channel": "discord", "handle": None}
    assert tagged["data"] == {"tag": person["tags"][0]}
    assert "example.org" not in str(body) and "555-0100" not in str(body)


def test_admin_sees_personal_data(api: Api, admin_key: str, person: dict[str, Any]) -> None:
    """The same member read by an admin carries its personal data."""
    member = read_member(api, person["id"], key=admin_key)
    assert member is not None
    assert member["email"] == f"private.{person['marker']}@example.org"
    assert member["attributes"] == {"phone": "555-0100"}
    assert member["identities"][0]["handle"] == f"secret{person['marker']}"
    assert member["personalDataHidden"] is False


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_may_not_search(
    api: Api, admin_key: str, person: dict[str, Any], role: Role
) -> None:
    """Search matches names, e-mails and handles: refused without personal-data access."""
    key = api.key(role)
    marker = person["marker"]
    for search in (f"person {marker}", f"secret{marker}", f"private.{marker}@example.org"):
        body = api.graphql(MEMBERS, {"filter": {"search": search}}, key=key)
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN"
        assert error["path"] == ["members"]
        assert "search matches personal data" in error["message"]
        assert marker not in str(body)
    # An empty search is no search: the list itself stays open to these roles.
    body = api.graphql(MEMBERS, {"filter": {"search": "  ", "tag": person["tags"][0]}}, key=key)
    assert [node["id"] for node in body["data"]["members"]["nodes"]] == [person["id"]]
    admin = api.graphql(MEMBERS, {"filter": {"search": f"secret{marker}"}}, key=admin_key)
    assert [node["id"] for node in admin["data"]["members"]["nodes"]] == [person["id"]]


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_may_not_look_up_by_handle(
    api: Api, person: dict[str, Any], role: Role
) -> None:
    """memberByIdentity is FORBIDDEN without personal-data access, and answers no data."""
    body = api.graphql(BY_IDENTITY, {"h": f"secret{person['marker']}"}, key=api.key(role))
    assert body["data"] == {"memberByIdentity": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["memberByIdentity"]


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_may_not_write(
    api: Api, admin_key: str, person: dict[str, Any], role: Role
) -> None:
    """Every mutation answers Forbidden to read-only roles and records nothing."""
    key = api.key(role)
    id_ = person["id"]
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("joinMember", {"displayName": unique("Intruder ")}),
        ("updateMemberProfile", {"memberId": id_, "displayName": "Hacked"}),
        ("linkIdentity", {"memberId": id_, "channel": "SLACK", "handle": unique("x")}),
        ("unlinkIdentity", {"memberId": id_, "channel": "DISCORD", "handle": "whatever"}),
        ("tagMember", {"memberId": id_, "tag": "hacked"}),
        ("untagMember", {"memberId": id_, "tag": person["tags"][0]}),
        ("markMemberAsStaff", {"memberId": id_}),
        ("markMemberAsBot", {"memberId": id_}),
        ("markMemberLeft", {"memberId": id_}),
        ("rejoinMember", {"memberId": id_}),
        ("eraseMember", {"memberId": id_}),
    ]
    for name, input in attempts:
        result = mutate(api, name, input, key=key)
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["requiredRoles"] == ["admin", "manager"]
        assert "your role may not" in result["message"]
    unchanged = read_member(api, id_, key=admin_key)
    assert unchanged is not None
    assert unchanged == {k: v for k, v in person.items() if k != "marker"}
    joined = api.graphql(
        MEMBERS,
        {"filter": {"search": "Intruder", "status": ["ACTIVE", "LEFT", "ERASED"]}},
        key=admin_key,
    )
    assert joined["data"]["members"]["totalCount"] == 0


def test_forbidden_comes_before_validation(api: Api, viewer_key: str) -> None:
    """A viewer learns nothing about input validity: invalid input is still Forbidden."""
    result = mutate(api, "tagMember", {"memberId": "nope", "tag": "bad tag"}, key=viewer_key)
    assert result["__typename"] == "Forbidden"


def test_manager_can_write_and_read_personal_data(api: Api) -> None:
    """A manager key runs mutations and sees personal data."""
    key = api.key(Role.MANAGER)
    handle = unique("mgr")
    member = join(
        api, key, email="mgr@example.org", identities=[{"channel": "SLACK", "handle": handle}]
    )
    assert member["email"] == "mgr@example.org"
    assert member["personalDataHidden"] is False
    tag = unique("mgr-")
    tagged = succeed(api, "tagMember", {"memberId": member["id"], "tag": tag}, key=key)
    assert tagged["tags"] == [tag]
    erased = succeed(api, "eraseMember", {"memberId": member["id"]}, key=key)
    assert erased["status"] == "ERASED"
    found = api.graphql(
        "query($h: String!) { memberByIdentity(channel: SLACK, handle: $h) { id } }",
        {"h": handle},
        key=key,
    )
    assert found == {"data": {"memberByIdentity": None}}
