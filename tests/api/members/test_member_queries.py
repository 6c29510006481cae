"""Member queries over HTTP: lookups, filters, search, ordering, pagination and history."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import datetime
from typing import Any

import pytest

from tests.api.conftest import MEMBER_FIELDS, Api, join, read_member, succeed, unique

LIST = """
query List($filter: MemberFilterInput, $orderBy: MemberOrder, $first: Int, $after: String) {
  members(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    edges { cursor node { id displayName joinedAt status tags } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

BY_IDENTITY = f"""
query ByIdentity($channel: Channel!, $handle: String!) {{
  memberByIdentity(channel: $channel, handle: $handle) {{ {MEMBER_FIELDS} }}
}}
"""

HISTORY = """
query History($id: ID!, $first: Int) {
  member(id: $id) { version history(first: $first) { version type recordedAt data } }
}
"""


def _list(api: Api, key: str, **variables: Any) -> dict[str, Any]:
    body = api.graphql(LIST, variables, key=key)
    assert "errors" not in body, body
    connection: dict[str, Any] = body["data"]["members"]
    return connection


def _ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


def _tagged(api: Api, key: str, tag: str, *names_and_dates: tuple[str, str]) -> list[str]:
    """Join members with these names and join dates, all carrying the tag; their ids."""
    ids = []
    for name, joined_at in names_and_dates:
        member = join(api, key, displayName=name, joinedAt=joined_at)
        succeed(api, "tagMember", {"memberId": member["id"], "tag": tag}, key=key)
        ids.append(member["id"])
    return ids


def _bad_input(body: dict[str, Any]) -> str:
    assert not any((body.get("data") or {}).values()), body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    message: str = error["message"]
    return message


def test_member_by_id(api: Api, admin_key: str) -> None:
    """member(id) answers the member, and null for an id no member has."""
    member = join(api, admin_key, email="by.id@example.org")
    assert read_member(api, member["id"], key=admin_key) == member
    assert read_member(api, str(uuid.uuid4()), key=admin_key) is None


def test_member_by_malformed_id(api: Api, admin_key: str) -> None:
    """A non-UUID id is a BAD_USER_INPUT error naming the argument."""
    body = api.graphql('{ member(id: "42") { id } }', key=admin_key)
    assert "id" in _bad_input(body)


def test_member_by_identity(api: Api, admin_key: str) -> None:
    """memberByIdentity finds the holder whatever the case or a leading @."""
    handle = unique("Finder")
    member = join(api, admin_key, identities=[{"channel": "GITHUB", "handle": handle}])
    for given in (handle, handle.upper(), f"@{handle.lower()}"):
        body = api.graphql(BY_IDENTITY, {"channel": "GITHUB", "handle": given}, key=admin_key)
        assert body["data"]["memberByIdentity"] == member, given
    other_channel = api.graphql(BY_IDENTITY, {"channel": "GITLAB", "handle": handle}, key=admin_key)
    assert other_channel == {"data": {"memberByIdentity": None}}
    unknown = api.graphql(BY_IDENTITY, {"channel": "GITHUB", "handle": unique("no")}, key=admin_key)
    assert unknown == {"data": {"memberByIdentity": None}}


def test_filter_by_tag_channel_and_status(api: Api, admin_key: str) -> None:
    """Tag, channel and status filters combine, and erased members show only when asked."""
    tag = unique("filter-")
    on_slack = join(api, admin_key, identities=[{"channel": "SLACK", "handle": unique("s")}])
    on_github = join(api, admin_key, sourceChannel="GITHUB")
    gone = join(api, admin_key, sourceChannel="SLACK")
    erased = join(api, admin_key, sourceChannel="SLACK")
    for member in (on_slack, on_github, gone, erased):
        succeed(api, "tagMember", {"memberId": member["id"], "tag": tag}, key=admin_key)
    succeed(api, "markMemberLeft", {"memberId": gone["id"]}, key=admin_key)
    succeed(api, "eraseMember", {"memberId": erased["id"]}, key=admin_key)

    by_tag = _list(api, admin_key, filter={"tag": tag})
    assert set(_ids(by_tag)) == {on_slack["id"], on_github["id"], gone["id"]}
    assert by_tag["totalCount"] == 3
    assert [n["id"] for n in by_tag["nodes"]] == _ids(by_tag)

    slack = _list(api, admin_key, filter={"tag": tag, "channel": "SLACK"})
    assert set(_ids(slack)) == {on_slack["id"], gone["id"]}
    assert slack["totalCount"] == 2

    active = _list(api, admin_key, filter={"tag": tag, "status": ["ACTIVE"]})
    assert set(_ids(active)) == {on_slack["id"], on_github["id"]}
    assert active["totalCount"] == 2

    left = _list(api, admin_key, filter={"tag": tag, "status": ["LEFT"]})
    assert _ids(left) == [gone["id"]]
    assert left["edges"][0]["node"]["status"] == "LEFT"

    only_erased = _list(api, admin_key, filter={"tag": tag, "status": ["ERASED"]})
    assert _ids(only_erased) == [erased["id"]]
    assert only_erased["edges"][0]["node"]["displayName"] is None
    assert only_erased["totalCount"] == 1

    everyone = _list(api, admin_key, filter={"tag": tag, "status": ["ACTIVE", "LEFT", "ERASED"]})
    assert everyone["totalCount"] == 4
    slack_all = _list(
        api, admin_key, filter={"tag": tag, "channel": "SLACK", "status": ["LEFT", "ERASED"]}
    )
    assert set(_ids(slack_all)) == {gone["id"], erased["id"]}
    assert slack_all["totalCount"] == 2


def test_counts_follow_untag_and_rejoin(api: Api, admin_key: str) -> None:
    """totalCount for a tag tracks untagging and status changes."""
    tag = unique("count-")
    first, second = _tagged(
        api,
        admin_key,
        tag,
        (unique("C "), "2022-01-01T00:00:00Z"),
        (unique("C "), "2022-01-02T00:00:00Z"),
    )
    assert _list(api, admin_key, filter={"tag": tag})["totalCount"] == 2
    succeed(api, "untagMember", {"memberId": first, "tag": tag}, key=admin_key)
    assert _list(api, admin_key, filter={"tag": tag})["totalCount"] == 1
    succeed(api, "markMemberLeft", {"memberId": second}, key=admin_key)
    assert _list(api, admin_key, filter={"tag": tag, "status": ["ACTIVE"]})["totalCount"] == 0
    assert _list(api, admin_key, filter={"tag": tag, "status": ["LEFT"]})["totalCount"] == 1
    succeed(api, "rejoinMember", {"memberId": second}, key=admin_key)
    assert _list(api, admin_key, filter={"tag": tag, "status": ["ACTIVE"]})["totalCount"] == 1


def test_search_matches_names_from_a_word_start_and_emails_and_handles_exactly(
    api: Api, admin_key: str
) -> None:
    """Names match from the start of any word on (any case, punctuation ignored); e-mails
    and handles exactly (through their blind indexes), ignoring case and a handle's leading
    @, and no longer by a part of them."""
    marker = uuid.uuid4().hex[:10]
    by_name = join(api, admin_key, displayName=f"Name{marker} Person-Lovelace")
    by_handle = join(
        api, admin_key, identities=[{"channel": "DISCORD", "handle": f"Handle{marker}"}]
    )
    by_email = join(api, admin_key, email=f"mail{marker}@example.org")

    for text in (f"name{marker}", f"NAME{marker} person", f" name{marker}-PERSON lov"):
        assert _ids(_list(api, admin_key, filter={"search": text})) == [by_name["id"]], text
    # Inside a word is not a start: nothing.
    assert _list(api, admin_key, filter={"search": marker})["totalCount"] == 0

    for exact in (f"Handle{marker}", f"@handle{marker}", f"HANDLE{marker}"):
        hits = _list(api, admin_key, filter={"search": exact})
        assert _ids(hits) == [by_handle["id"]], exact
        assert hits["totalCount"] == 1
    for exact in (f"mail{marker}@example.org", f"MAIL{marker}@Example.ORG"):
        hits = _list(api, admin_key, filter={"search": exact})
        assert _ids(hits) == [by_email["id"]], exact
        assert hits["totalCount"] == 1

    # A part of an e-mail or a handle matches nothing: there is no plaintext to scan.
    for part in (f"handle{marker[:5]}", f"{marker}@example", f"mail{marker}"):
        assert _list(api, admin_key, filter={"search": part})["totalCount"] == 0, part


def test_search_treats_like_wildcards_literally(api: Api, admin_key: str) -> None:
    """% and _ in a search are plain characters, not SQL wildcards."""
    marker = uuid.uuid4().hex[:10]
    literal = join(api, admin_key, displayName=f"Pct{marker}%_x")
    join(api, admin_key, displayName=f"Pct{marker}abx")
    hits = _list(api, admin_key, filter={"search": f"pct{marker}%_"})
    assert _ids(hits) == [literal["id"]]
    assert _list(api, admin_key, filter={"search": "%"})["totalCount"] == 0


HOSTILE_SEARCHES = [
    "%%%",
    "\\",
    "' OR 1=1 --",
    "); DROP TABLE members; --",
    "\u202eevil",
    "e\u0301\u0301\u0301",
    "\U0001f642" * 50,
    "ǅ" * 100,
    "-" * 100,
    "a " * 50,
    "\x7f\x1b[31m",
]


@pytest.mark.parametrize("text", HOSTILE_SEARCHES)
def test_hostile_searches_answer_without_error(api: Api, admin_key: str, text: str) -> None:
    """Quotes, escapes, controls, combining marks, emoji, bidi overrides: a plain answer,
    never an error, with the count and whether it is exact."""
    body = api.graphql(
        "query S($s: String) { members(filter: {search: $s}) { totalCount totalCountIsExact"
        " edges { node { id } } } }",
        {"s": text},
        key=admin_key,
    )
    assert "errors" not in body, body
    found = body["data"]["members"]
    assert found["totalCountIsExact"] is True
    assert found["totalCount"] >= len(found["edges"])


def test_search_finds_nobody_after_erasure(api: Api, admin_key: str) -> None:
    """An erased member is found neither by old name nor by old handle."""
    marker = uuid.uuid4().hex[:10]
    member = join(
        api,
        admin_key,
        displayName=f"Erasable{marker}",
        identities=[{"channel": "FORUM", "handle": f"h{marker}"}],
    )
    for text in (f"erasable{marker}", f"h{marker}"):
        assert _list(api, admin_key, filter={"search": text})["totalCount"] == 1
    succeed(api, "eraseMember", {"memberId": member["id"]}, key=admin_key)
    statuses = ["ACTIVE", "LEFT", "ERASED"]
    for text in (f"erasable{marker}", f"h{marker}", "erasable"):
        gone = _list(api, admin_key, filter={"search": text, "status": statuses})
        assert member["id"] not in _ids(gone)
        if text != "erasable":
            assert (gone["edges"], gone["totalCount"]) == ([], 0)


def test_filter_by_staff_and_bot(api: Api, admin_key: str) -> None:
    """isStaff and isBot filter on the flags, alone and with a tag."""
    tag = unique("flags-")
    plain, staff, bot = _tagged(
        api,
        admin_key,
        tag,
        (unique("P "), "2022-01-01T00:00:00Z"),
        (unique("S "), "2022-01-02T00:00:00Z"),
        (unique("B "), "2022-01-03T00:00:00Z"),
    )
    succeed(api, "markMemberAsStaff", {"memberId": staff}, key=admin_key)
    succeed(api, "markMemberAsBot", {"memberId": bot}, key=admin_key)

    assert _ids(_list(api, admin_key, filter={"tag": tag, "isStaff": True})) == [staff]
    assert _ids(_list(api, admin_key, filter={"tag": tag, "isBot": True})) == [bot]
    humans = _list(api, admin_key, filter={"tag": tag, "isStaff": False, "isBot": False})
    assert _ids(humans) == [plain]
    assert humans["totalCount"] == 1
    not_staff = _list(api, admin_key, filter={"tag": tag, "isStaff": False})
    assert set(_ids(not_staff)) == {plain, bot}
    assert not_staff["totalCount"] == 2


def test_orderings(api: Api, admin_key: str) -> None:
    """JOINED_AT_DESC (the default), JOINED_AT_ASC and DISPLAY_NAME_ASC sort as named."""
    tag = unique("order-")
    carol, alice, bob = _tagged(
        api,
        admin_key,
        tag,
        ("carol", "2020-06-01T00:00:00Z"),
        ("Alice", "2020-07-01T00:00:00Z"),
        ("bob", "2020-05-01T00:00:00Z"),
    )
    default = _list(api, admin_key, filter={"tag": tag})
    assert _ids(default) == [alice, carol, bob]
    assert _ids(_list(api, admin_key, filter={"tag": tag}, orderBy="JOINED_AT_DESC")) == [
        alice,
        carol,
        bob,
    ]
    assert _ids(_list(api, admin_key, filter={"tag": tag}, orderBy="JOINED_AT_ASC")) == [
        bob,
        carol,
        alice,
    ]
    by_name = _list(api, admin_key, filter={"tag": tag}, orderBy="DISPLAY_NAME_ASC")
    assert [e["node"]["displayName"] for e in by_name["edges"]] == ["Alice", "bob", "carol"]
    assert _ids(by_name) == [alice, bob, carol]


@pytest.mark.parametrize("order", ["JOINED_AT_DESC", "JOINED_AT_ASC", "DISPLAY_NAME_ASC"])
def test_keyset_pagination_walks_every_member_once(api: Api, admin_key: str, order: str) -> None:
    """Pages of two cover a tag's members exactly once, in order, then stop."""
    tag = unique("page-")
    # Two share a join date and two share a name, so ties are broken by id.
    expected_order_source = [
        ("dora", "2019-01-05T00:00:00Z"),
        ("Ann", "2019-01-03T00:00:00Z"),
        ("cid", "2019-01-03T00:00:00Z"),
        ("ann", "2019-01-01T00:00:00Z"),
        ("Eve", "2019-01-04T00:00:00Z"),
    ]
    ids = _tagged(api, admin_key, tag, *expected_order_source)
    full = _list(api, admin_key, filter={"tag": tag}, orderBy=order, first=100)
    assert full["pageInfo"]["hasNextPage"] is False
    assert sorted(_ids(full)) == sorted(ids)

    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = _list(api, admin_key, filter={"tag": tag}, orderBy=order, first=2, after=after)
        pages += 1
        assert page["totalCount"] == 5
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        seen += _ids(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        assert len(page["edges"]) == 2
        after = page["pageInfo"]["endCursor"]
        assert pages < 10, "pagination does not end"
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    assert seen == _ids(full)

    nodes = {e["node"]["id"]: e["node"] for e in full["edges"]}
    if order == "DISPLAY_NAME_ASC":
        keys = [(nodes[i]["displayName"].lower(), i) for i in seen]
    else:
        keys = [(datetime.fromisoformat(nodes[i]["joinedAt"]), i) for i in seen]
    assert keys == sorted(keys, reverse=order == "JOINED_AT_DESC")


def test_empty_page(api: Api, admin_key: str) -> None:
    """A filter matching nobody gives no edges, no cursors and a zero count."""
    page = _list(api, admin_key, filter={"tag": unique("nobody-")})
    assert page["edges"] == [] and page["nodes"] == []
    assert page["totalCount"] == 0
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


def test_cursor_from_another_ordering_is_refused(api: Api, admin_key: str) -> None:
    """A cursor handed out for one ordering is BAD_USER_INPUT in another."""
    tag = unique("cursor-")
    _tagged(api, admin_key, tag, ("x", "2020-01-01T00:00:00Z"), ("y", "2020-01-02T00:00:00Z"))
    page = _list(api, admin_key, filter={"tag": tag}, orderBy="JOINED_AT_DESC", first=1)
    cursor = page["pageInfo"]["endCursor"]
    for other in ("JOINED_AT_ASC", "DISPLAY_NAME_ASC"):
        body = api.graphql(
            LIST, {"filter": {"tag": tag}, "orderBy": other, "after": cursor}, key=admin_key
        )
        assert "another order" in _bad_input(body)


# A fixed id: parameters stay the same from one collection to the next (pytest-xdist).
ANY_ID = "398708ab-2964-4cd2-9f8f-49e0b8b2aa34"


def _cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


@pytest.mark.parametrize(
    ("order", "cursor"),
    [
        ("JOINED_AT_DESC", "garbage"),
        ("JOINED_AT_DESC", ""),
        ("JOINED_AT_DESC", _cursor()),
        ("JOINED_AT_DESC", _cursor("joined_at_desc")),
        ("JOINED_AT_DESC", _cursor("joined_at_desc", 42, ANY_ID)),
        ("JOINED_AT_DESC", _cursor("joined_at_desc", "2020-01-01T00:00:00Z", "not-a-uuid")),
        ("DISPLAY_NAME_ASC", _cursor("display_name_asc", "nul\u0000", ANY_ID)),
    ],
)
def test_malformed_cursor_is_refused(api: Api, admin_key: str, order: str, cursor: str) -> None:
    """A cursor this list did not hand out is BAD_USER_INPUT, not an internal error."""
    body = api.graphql(LIST, {"after": cursor, "orderBy": order}, key=admin_key)
    assert "after" in _bad_input(body)


@pytest.mark.parametrize("first", [0, -1, 101])
def test_page_size_out_of_range(api: Api, admin_key: str, first: int) -> None:
    """first must be 1 to 100."""
    body = api.graphql(LIST, {"first": first}, key=admin_key)
    assert "first" in _bad_input(body)


def test_page_size_bounds_are_accepted(api: Api, admin_key: str) -> None:
    """first=1 and first=100 are valid page sizes."""
    tag = unique("bounds-")
    _tagged(api, admin_key, tag, ("a", "2020-01-01T00:00:00Z"), ("b", "2020-01-02T00:00:00Z"))
    assert len(_list(api, admin_key, filter={"tag": tag}, first=1)["edges"]) == 1
    assert len(_list(api, admin_key, filter={"tag": tag}, first=100)["edges"]) == 2


@pytest.mark.parametrize("tag", ["bad tag", "x" * 51])
def test_bad_tag_filter(api: Api, admin_key: str, tag: str) -> None:
    """A filter tag that no member could carry is BAD_USER_INPUT."""
    assert "filter.tag" in _bad_input(api.graphql(LIST, {"filter": {"tag": tag}}, key=admin_key))


def test_search_too_long(api: Api, admin_key: str) -> None:
    """A search over 100 characters is BAD_USER_INPUT."""
    body = api.graphql(LIST, {"filter": {"search": "s" * 101}}, key=admin_key)
    assert "filter.search" in _bad_input(body)


def test_history_lists_events_in_order(api: Api, admin_key: str) -> None:
    """history is the member's audit trail, oldest first, with types and data."""
    handle = unique("hist")
    tag = unique("hist-")
    member = join(
        api,
        admin_key,
        email="hist@example.org",
        identities=[{"channel": "SLACK", "handle": handle}],
    )
    succeed(api, "tagMember", {"memberId": member["id"], "tag": tag}, key=admin_key)
    succeed(
        api, "updateMemberProfile", {"memberId": member["id"], "displayName": "H"}, key=admin_key
    )
    succeed(api, "markMemberAsStaff", {"memberId": member["id"]}, key=admin_key)
    succeed(api, "markMemberLeft", {"memberId": member["id"], "reason": "bye"}, key=admin_key)
    succeed(api, "rejoinMember", {"memberId": member["id"]}, key=admin_key)
    succeed(
        api,
        "unlinkIdentity",
        {"memberId": member["id"], "channel": "SLACK", "handle": handle},
        key=admin_key,
    )
    succeed(api, "untagMember", {"memberId": member["id"], "tag": tag}, key=admin_key)

    body = api.graphql(HISTORY, {"id": member["id"]}, key=admin_key)
    assert "errors" not in body, body
    found = body["data"]["member"]
    events = found["history"]
    assert [e["type"] for e in events] == [
        "JOINED",
        "IDENTITY_LINKED",
        "TAGGED",
        "PROFILE_UPDATED",
        "MARKED_AS_STAFF",
        "LEFT",
        "REJOINED",
        "IDENTITY_UNLINKED",
        "UNTAGGED",
    ]
    assert [e["version"] for e in events] == list(range(1, 10))
    assert found["version"] == 9
    recorded = [datetime.fromisoformat(e["recordedAt"]) for e in events]
    assert recorded == sorted(recorded)
    assert all(moment.tzinfo is not None for moment in recorded)
    assert events[0]["data"]["display_name"] == member["displayName"]
    assert events[0]["data"]["email"] == "hist@example.org"
    assert events[1]["data"] == {"channel": "slack", "handle": handle}
    assert events[2]["data"] == {"tag": tag}
    assert events[3]["data"] == {"changes": {"display_name": "H"}}
    assert events[5]["data"]["reason"] == "bye"

    first_two = api.graphql(HISTORY, {"id": member["id"], "first": 2}, key=admin_key)
    assert [e["type"] for e in first_two["data"]["member"]["history"]] == [
        "JOINED",
        "IDENTITY_LINKED",
    ]


def test_history_after_erasure_keeps_events_without_personal_data(api: Api, admin_key: str) -> None:
    """After erasure, history still lists every event but personal fields are null."""
    handle = unique("shred")
    member = join(
        api,
        admin_key,
        email="shred@example.org",
        attributes={"city": "Rome"},
        identities=[{"channel": "EMAIL", "handle": handle}],
    )
    succeed(api, "eraseMember", {"memberId": member["id"]}, key=admin_key)
    body = api.graphql(HISTORY, {"id": member["id"]}, key=admin_key)
    assert "errors" not in body, body
    events = body["data"]["member"]["history"]
    assert [e["type"] for e in events] == ["JOINED", "IDENTITY_LINKED", "ERASED"]
    joined = events[0]["data"]
    assert joined["display_name"] is None
    assert joined["email"] is None
    assert joined["attributes"] is None
    assert joined["source_channel"] == "other"
    assert events[1]["data"] == {"channel": "email", "handle": None}
    assert handle not in str(body) and "shred@example.org" not in str(body)


@pytest.mark.parametrize("first", [0, 501])
def test_history_page_size_out_of_range(api: Api, admin_key: str, first: int) -> None:
    """history(first) must be 1 to 500."""
    member = join(api, admin_key)
    body = api.graphql(HISTORY, {"id": member["id"], "first": first}, key=admin_key)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["member", "history"]
    assert body["data"] == {"member": None}


def test_nul_in_search_or_handle_is_bad_input(api: Api, admin_key: str) -> None:
    """A NUL character in a search or handle lookup is BAD_USER_INPUT, not an internal error."""
    body = api.graphql(LIST, {"filter": {"search": "a\u0000b"}}, key=admin_key)
    assert "filter.search" in _bad_input(body)
    body = api.graphql(BY_IDENTITY, {"channel": "SLACK", "handle": "a\u0000b"}, key=admin_key)
    assert "handle" in _bad_input(body)
