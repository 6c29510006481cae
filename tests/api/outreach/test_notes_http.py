"""Notes and motivations over HTTP: what each role may do and see, and typed refusals."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from api.auth import Role
from tests.api.conftest import Api, join, settle, succeed
from tests.api.outreach.notes_helpers import (
    BY_MOTIVATION,
    MEMBER_MOTIVATION,
    MEMBER_NOTES,
    SUMMARY,
    ok,
    run,
    staff_member,
)


@pytest.fixture(scope="module")
def manager_key(api: Api) -> str:
    """A manager's key."""
    return api.key(Role.MANAGER)


def test_a_manager_writes_edits_and_reads_a_note_with_its_history(
    api: Api, admin_key: str, manager_key: str
) -> None:
    author, member = staff_member(api, admin_key), join(api, admin_key)["id"]
    added = ok(
        api,
        "addMemberNote",
        {"memberId": member, "authorId": author, "text": "Likes Go"},
        manager_key,
    )
    assert (added["version"], added["note"]["text"], added["note"]["link"]) == (1, "Likes Go", None)
    edit = {"noteId": added["noteId"], "editedBy": author, "text": "Likes Go and Rust"}
    edited = ok(api, "editMemberNote", {**edit, "expectedVersion": 1}, manager_key)
    assert edited["version"] == 2
    # An edit from a version that is no longer current is refused, naming the current one.
    stale = run(
        api, "editMemberNote", {**edit, "text": "Likes C", "expectedVersion": 1}, manager_key
    )
    assert (stale["__typename"], stale["code"], stale["currentVersion"]) == (
        "Conflict",
        "VERSION_MISMATCH",
        2,
    )

    body = api.graphql(MEMBER_NOTES, {"id": member}, key=manager_key)
    assert "errors" not in body, body
    (note,) = body["data"]["member"]["notes"]
    assert (note["text"], note["editedBy"], note["version"]) == ("Likes Go and Rust", author, 2)
    assert [(h["version"], h["text"]) for h in note["history"]] == [
        (1, "Likes Go"),
        (2, "Likes Go and Rust"),
    ]


@pytest.mark.parametrize("role", [Role.PRODUCT, Role.MARKETING, Role.VIEWER])
def test_other_roles_see_no_notes_and_record_nothing(
    api: Api, admin_key: str, manager_key: str, role: Role
) -> None:
    key = api.key(role)
    author, member = staff_member(api, admin_key), join(api, admin_key)["id"]
    secret = f"Private remark {uuid.uuid4().hex[:8]}"
    note = ok(
        api, "addMemberNote", {"memberId": member, "authorId": author, "text": secret}, manager_key
    )["noteId"]
    ok(
        api,
        "recordMemberMotivation",
        {"memberId": member, "recordedBy": author, "options": ["learn"], "text": secret},
        manager_key,
    )
    attempts = {
        "addMemberNote": {"memberId": member, "authorId": author, "text": "x"},
        "editMemberNote": {"noteId": note, "editedBy": author, "text": "x", "expectedVersion": 1},
        "recordMemberMotivation": {"memberId": member, "recordedBy": author, "options": ["learn"]},
    }
    for name, input in attempts.items():
        result = run(api, name, input, key)
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["requiredRoles"] == ["admin", "manager"]

    body = api.graphql(MEMBER_NOTES, {"id": member}, key=key)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"]["member"]["notes"] is None
    assert secret not in str(body)
    # The options they chose are shown to every role; their own words are personal data.
    body = api.graphql(MEMBER_MOTIVATION, {"id": member}, key=key)
    assert body["data"]["member"]["motivation"] == {
        "options": ["learn"],
        "text": None,
        "recordedBy": author,
    }
    body = api.graphql(MEMBER_MOTIVATION, {"id": member}, key=manager_key)
    assert body["data"]["member"]["motivation"]["text"] == secret


def test_hostile_and_oversized_input_is_refused_naming_the_field(
    api: Api, admin_key: str, manager_key: str
) -> None:
    author, member = staff_member(api, admin_key), join(api, admin_key)["id"]
    base = {"memberId": member, "authorId": author, "text": "ok"}
    for field, value in (
        ("text", "x" * 10_001),
        ("text", "Looks fine\u202eevil"),
        ("text", "nul\x00byte"),
        ("text", "   "),
        ("at", "2999-01-01T00:00:00Z"),
    ):
        result = run(api, "addMemberNote", {**base, field: value}, manager_key)
        assert result["__typename"] == "ValidationFailed", (field, result)
        assert result["fieldErrors"][0]["field"] == field, result
    note = ok(api, "addMemberNote", base, manager_key)["noteId"]
    edit = {"noteId": note, "editedBy": author, "expectedVersion": 1}
    long = run(api, "editMemberNote", {**edit, "text": "y" * 10_001}, manager_key)
    assert long["fieldErrors"][0]["field"] == "text"
    motivation = {"memberId": member, "recordedBy": author}
    for input, field in (
        ({"text": "z" * 2001}, "text"),
        ({"options": ["learn", "<script>"]}, "options"),
        ({"options": []}, "options"),
    ):
        result = run(api, "recordMemberMotivation", {**motivation, **input}, manager_key)
        assert result["__typename"] == "ValidationFailed", (input, result)
        assert result["fieldErrors"][0]["field"] == field, result
        assert "<script>" not in str(result)


def test_a_link_to_a_missing_item_and_unknown_ids_are_typed(
    api: Api, admin_key: str, manager_key: str
) -> None:
    author, member = staff_member(api, admin_key), join(api, admin_key)["id"]
    missing = str(uuid.uuid4())
    base = {"memberId": member, "authorId": author, "text": "About it"}
    for kind in ("INTERACTION", "FEEDBACK", "INCIDENT"):
        result = run(
            api, "addMemberNote", {**base, "linkKind": kind, "linkId": missing}, manager_key
        )
        assert result["__typename"] == "ValidationFailed", result
        (error,) = result["fieldErrors"]
        assert (error["field"], error["code"]) == ("linkId", "not_found"), error
    half = run(api, "addMemberNote", {**base, "linkId": missing}, manager_key)
    assert half["fieldErrors"][0]["field"] == "linkKind"
    nobody = run(api, "addMemberNote", {**base, "memberId": missing}, manager_key)
    assert (nobody["__typename"], nobody["id"]) == ("NotFound", missing)
    no_note = run(
        api,
        "editMemberNote",
        {"noteId": missing, "editedBy": author, "text": "x", "expectedVersion": 1},
        manager_key,
    )
    assert (no_note["__typename"], no_note["id"]) == ("NotFound", missing)
    not_staff = run(api, "addMemberNote", {**base, "authorId": member}, manager_key)
    assert not_staff["fieldErrors"][0]["field"] == "authorId"


def test_members_are_filtered_and_counted_by_motivation(
    api: Api, admin_key: str, viewer_key: str, manager_key: str
) -> None:
    author = staff_member(api, admin_key)
    before = api.graphql(SUMMARY, key=viewer_key)["data"]["motivationSummary"]
    counts = {o["option"]: o["members"] for o in before["options"]}
    networkers = {join(api, admin_key)["id"] for _ in range(2)}
    for member in networkers:
        ok(
            api,
            "recordMemberMotivation",
            {"memberId": member, "recordedBy": author, "options": ["network", "find_work"]},
            manager_key,
        )
    after = api.graphql(SUMMARY, key=viewer_key)["data"]["motivationSummary"]
    assert after["answered"] == before["answered"] + 2
    assert [o["option"] for o in after["options"]][:6] == [
        "learn",
        "get_help",
        "network",
        "contribute",
        "find_work",
        "other",
    ]
    now = {o["option"]: o["members"] for o in after["options"]}
    assert now["network"] == counts["network"] + 2 and now["learn"] == counts["learn"]

    body = api.graphql(BY_MOTIVATION, {"motivation": "find_work"}, key=viewer_key)
    found = {n["id"] for n in body["data"]["members"]["nodes"]}
    assert networkers <= found and body["data"]["members"]["totalCount"] == now["find_work"]
    unknown = api.graphql(BY_MOTIVATION, {"motivation": "hiring"}, key=viewer_key)
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert unknown["errors"][0]["message"].startswith("filter.motivation:")


def test_two_concurrent_edits_of_one_note_one_wins_the_other_conflicts(
    api: Api, admin_key: str, manager_key: str
) -> None:
    author, member = staff_member(api, admin_key), join(api, admin_key)["id"]
    note = ok(
        api, "addMemberNote", {"memberId": member, "authorId": author, "text": "v1"}, manager_key
    )["noteId"]
    start = threading.Barrier(2)

    def edit(text: str) -> dict[str, Any]:
        start.wait()
        input = {"noteId": note, "editedBy": author, "text": text, "expectedVersion": 1}
        return run(api, "editMemberNote", input, manager_key)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(edit, ["From Ana's desk", "From Bo's desk"]))

    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["Conflict", "MemberNoteEdited"], results
    won = next(r for r in results if r["__typename"] == "MemberNoteEdited")
    lost = next(r for r in results if r["__typename"] == "Conflict")
    assert (lost["code"], lost["currentVersion"]) == ("VERSION_MISMATCH", 2)
    body = api.graphql(MEMBER_NOTES, {"id": member}, key=manager_key)
    (found,) = body["data"]["member"]["notes"]
    assert found["text"] == won["note"]["text"]
    assert [h["text"] for h in found["history"]] == ["v1", won["note"]["text"]]


def test_an_erased_member_s_notes_read_as_nothing(
    api: Api, admin_key: str, manager_key: str
) -> None:
    author, member = staff_member(api, admin_key), join(api, admin_key)["id"]
    secret = f"Lives at {uuid.uuid4().hex[:8]} street"
    ok(api, "addMemberNote", {"memberId": member, "authorId": author, "text": secret}, manager_key)
    succeed(api, "eraseMember", {"memberId": member}, key=admin_key)
    settle(api)  # the key is shredded at once; the notes view marks the erasure when it reads it

    body = api.graphql(MEMBER_NOTES, {"id": member}, key=manager_key)
    assert "errors" not in body, body
    (note,) = body["data"]["member"]["notes"]
    assert (note["text"], note["memberErased"], note["authorId"]) == (None, True, author)
    assert [h["text"] for h in note["history"]] == [None]
    assert secret not in str(body)
    again = run(
        api, "addMemberNote", {"memberId": member, "authorId": author, "text": "x"}, manager_key
    )
    assert (again["__typename"], again["code"]) == ("Conflict", "MEMBER_ERASED")
