"""Feedback and personal data over real HTTP: what the product team sees, and erasure.

The product role sees member ids, text, counts and engagement level, never an e-mail or
a handle; once its author is erased, an item's text is unreadable in the list, the item,
and the change feed, for every role, while its counts remain.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from api.auth import Role
from domain.feedback.workflow import Importance
from tests.api.conftest import MEMBER_FIELDS, Api, succeed, unique
from tests.api.feedback.conftest import Desk, member, query, settle

ITEM = f"""
id authorId submittedBy channel kind text sourceUrl productArea status uniqueMembers
supporterCount authorErased
author {{ {MEMBER_FIELDS} }}
history {{ change actorId detail }}
supporters {{ memberId importance stage engagementScore member {{ {MEMBER_FIELDS} }} }}
"""
EVERYTHING = f"""
query Everything($id: ID!, $member: ID!) {{
  feedbackItems(first: 100) {{ edges {{ node {{ {ITEM} duplicates {{ id text }} }} }} }}
  feedbackItem(id: $id) {{ {ITEM} }}
  feedbackChanges(first: 100) {{ entries {{ changes item {{ id text sourceUrl }} }} }}
  member(id: $member) {{ feedback {{ relation item {{ id text }} }} }}
}}
"""


@pytest.fixture(scope="module")
def people(feedback_api: Api, desk: Desk) -> dict[str, str]:
    """An author and a supporter with e-mails and handles; an item by one, backed by the other."""
    admin = feedback_api.key(Role.ADMIN)
    found: dict[str, str] = {}
    for name in ("author", "supporter"):
        handle = unique(f"{name}-handle-")
        found[name] = member(
            feedback_api,
            admin,
            email=f"{handle}@mail.example",
            identities=[{"channel": "DISCORD", "handle": handle}],
        )
        found[f"{name}_handle"] = handle
    found["text"] = unique("my secret words ")
    found["item"] = desk.submit(
        found["author"], text=found["text"], source_url="https://forum.example/t/1"
    )
    supporter = UUID(found["supporter"])
    desk.act(found["item"], lambda i: i.support(supporter, Importance.IMPORTANT))
    return found


def everything(api: Api, key: str, people: dict[str, str]) -> str:
    """Every feedback query's answer, as the raw response text."""
    variables: dict[str, Any] = {"id": people["item"], "member": people["supporter"]}
    response = api.client.post(
        f"{api.url}/graphql",
        json={"query": EVERYTHING, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200 and "errors" not in response.json(), response.text
    return response.text


@pytest.mark.parametrize("role", [Role.PRODUCT, Role.MARKETING, Role.VIEWER])
def test_read_roles_see_ids_and_text_but_no_email_or_handle(
    feedback_api: Api, people: dict[str, str], role: Role
) -> None:
    """No e-mail, no handle, anywhere in the answer; ids and the text are there."""
    text = everything(feedback_api, feedback_api.key(role), people)
    for name in ("author", "supporter"):
        assert people[f"{name}_handle"] not in text  # the handle, and the e-mail built on it
        assert people[name] in text
    assert "@mail.example" not in text
    assert people["text"] in text


def test_a_manager_sees_them(feedback_api: Api, people: dict[str, str]) -> None:
    """The same document shows e-mails and handles to a role allowed to see personal data."""
    text = everything(feedback_api, feedback_api.key(Role.MANAGER), people)
    assert f"{people['author_handle']}@mail.example" in text
    assert people["supporter_handle"] in text


def test_an_erased_authors_text_is_unreadable_everywhere(
    feedback_api: Api, people: dict[str, str]
) -> None:
    """After eraseMember: no text or source url in items, item, feed or member.feedback."""
    admin = feedback_api.key(Role.ADMIN)
    assert people["text"] in everything(feedback_api, admin, people)
    succeed(feedback_api, "eraseMember", {"memberId": people["author"]}, key=admin)
    settle(feedback_api)
    for role in (Role.ADMIN, Role.PRODUCT):
        text = everything(feedback_api, feedback_api.key(role), people)
        assert people["text"] not in text
        assert "forum.example/t/1" not in text
    variables = {"id": people["item"], "member": people["supporter"]}
    answer = query(feedback_api, EVERYTHING, admin, **variables)
    item = answer["feedbackItem"]
    assert item["text"] is None and item["sourceUrl"] is None and item["authorErased"] is True
    assert item["uniqueMembers"] == 2 and item["supporterCount"] == 1
    entry = answer["feedbackChanges"]["entries"][-1]
    assert entry["item"] == {"id": people["item"], "text": None, "sourceUrl": None}
    assert "AUTHOR_ERASED" in entry["changes"]
    listed = [e["node"] for e in answer["feedbackItems"]["edges"]]
    assert [n["text"] for n in listed if n["id"] == people["item"]] == [None]
    assert answer["member"]["feedback"] == [
        {"relation": "SUPPORTER", "item": {"id": people["item"], "text": None}}
    ]
