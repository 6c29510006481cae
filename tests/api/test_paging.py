"""Every list checks `first` and `after` the same way, with the same messages, over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, join, served_api

# Each paged list, as a document taking $first and $after; `…` is a member id.
LISTS = {
    "members": "members(first: $first, after: $after) { pageInfo { endCursor } }",
    "topMembers": "topMembers(first: $first, after: $after) { pageInfo { endCursor } }",
    "atRiskMembers": "atRiskMembers(first: $first, after: $after) { pageInfo { endCursor } }",
    "interactions": 'member(id: "…") { interactions(first: $first, after: $after)'
    " { pageInfo { endCursor } } }",
    "tasks": "tasks(first: $first, after: $after) { pageInfo { endCursor } }",
    "memberTasks": 'member(id: "…") { tasks(first: $first, after: $after)'
    " { pageInfo { endCursor } } }",
}
# Lists that are not connections keep their own maximum, with the same message.
LIMITED = {
    "history": ('member(id: "…") { history(first: $first) { version } }', 500),
    "simulateAtRiskRule": ("simulateAtRiskRule(rule: {}, first: $first) { asOf }", 100),
}


def run(api: Api, key: str, member_id: str, field: str, **variables: Any) -> dict[str, Any]:
    """One list field queried with these variables."""
    declared = "$first: Int!" + (", $after: String" if "after" in variables else "")
    document = f"query Paged({declared}) {{ {field.replace('…', member_id)} }}"
    return api.graphql(document, variables, key=key)


def refusal(body: dict[str, Any]) -> str:
    """The message of the one BAD_USER_INPUT error of the answer."""
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message


@pytest.fixture(scope="module")
def member_id(api: Api, admin_key: str) -> str:
    """A member whose nested lists can be asked for."""
    member: dict[str, Any] = join(api, admin_key)
    return str(member["id"])


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize("first", [0, -1, 101])
def test_every_connection_refuses_a_page_size_past_crm_max_page_size(
    api: Api, admin_key: str, member_id: str, name: str, first: int
) -> None:
    """One message, naming the configured maximum (CRM_MAX_PAGE_SIZE, 100 by default)."""
    body = run(api, admin_key, member_id, LISTS[name], first=first, after=None)
    assert refusal(body) == "first must be between 1 and 100"


@pytest.mark.parametrize("name", list(LIMITED))
def test_lists_with_their_own_maximum_give_the_same_message(
    api: Api, admin_key: str, member_id: str, name: str
) -> None:
    """history (500) and simulateAtRiskRule (100) are checked by the same function."""
    field, maximum = LIMITED[name]
    assert "errors" not in run(api, admin_key, member_id, field, first=maximum)
    body = run(api, admin_key, member_id, field, first=maximum + 1)
    assert refusal(body) == f"first must be between 1 and {maximum}"


@pytest.mark.parametrize("name", list(LISTS))
@pytest.mark.parametrize(
    ("cursor", "message"),
    [
        ("bm90IG91cnM=", "after: not a cursor handed out by this list"),
        (
            "WyJzb21lX290aGVyX2xpc3QiLDEuMCwiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDAwMDAxIl0=",
            "after: this cursor belongs to another order or list",
        ),
    ],
)
def test_every_connection_refuses_a_cursor_it_did_not_hand_out(
    api: Api, admin_key: str, member_id: str, name: str, cursor: str, message: str
) -> None:
    """A damaged cursor, or one of another list, is BAD_USER_INPUT on `after`."""
    body = run(api, admin_key, member_id, LISTS[name], first=10, after=cursor)
    assert refusal(body) == message


def test_connections_follow_crm_max_page_size_and_other_lists_keep_their_own(
    server_url: str, template_database: str
) -> None:
    """With CRM_MAX_PAGE_SIZE=7 every connection stops at 7; history still takes 500."""
    with served_api(server_url, template_database, max_page_size=7) as small:
        key = small.key(Role.ADMIN)
        member = str(join(small, key)["id"])
        for name, field in LISTS.items():
            assert "errors" not in run(small, key, member, field, first=7, after=None), name
            body = run(small, key, member, field, first=8, after=None)
            assert refusal(body) == "first must be between 1 and 7", name
        field, maximum = LIMITED["history"]
        assert "errors" not in run(small, key, member, field, first=maximum)
