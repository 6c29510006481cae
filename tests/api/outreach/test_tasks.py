"""Follow-up tasks over HTTP: create (also from a record in one step), move, list, refuse."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.feedback.helpers import member, submit
from tests.api.outreach.tasks_helpers import (
    LIST,
    MEMBER_TASKS,
    day,
    ok,
    put_at_risk,
    run,
    tasks,
)


@pytest.fixture(scope="module")
def staff(api: Api, admin_key: str) -> str:
    return member(api, admin_key, staff=True)


def test_a_task_is_created_listed_overdue_first_and_moved(
    api: Api, admin_key: str, staff: str
) -> None:
    someone = member(api, admin_key)
    base = {"memberId": someone, "assigneeId": staff}
    later = ok(api, "createFollowUpTask", base | {"title": "Later", "dueOn": day(3)}, admin_key)
    today = ok(api, "createFollowUpTask", base | {"title": "Today", "dueOn": day(0)}, admin_key)
    late = ok(api, "createFollowUpTask", base | {"title": "Late", "dueOn": day(-1)}, admin_key)
    assert (late["status"], late["overdue"], today["overdue"]) == ("OPEN", True, False)
    assert late["title"] == "Late" and late["link"] is None and late["version"] == 1

    listed = tasks(api, admin_key, member=someone, first=1)
    assert [t["id"] for t in listed] == [late["id"], today["id"], later["id"]]

    done = ok(api, "completeFollowUpTask", {"taskId": late["id"]}, admin_key)
    assert (done["status"], done["overdue"], done["completedAt"] is not None) == (
        "DONE",
        False,
        True,
    )
    refused = run(api, "cancelFollowUpTask", {"taskId": late["id"]}, admin_key)
    assert refused["__typename"] == "FollowUpTaskMoveConflict"
    assert (refused["code"], refused["status"], refused["move"], refused["allowed"]) == (
        "ILLEGAL_TASK_MOVE",
        "DONE",
        "cancel",
        ["reopen"],
    )
    stale = run(api, "reopenFollowUpTask", {"taskId": late["id"], "expectedVersion": 1}, admin_key)
    assert (stale["__typename"], stale["code"]) == ("Conflict", "VERSION_MISMATCH")
    reopened = ok(
        api, "reopenFollowUpTask", {"taskId": late["id"], "expectedVersion": 2}, admin_key
    )
    assert (reopened["status"], reopened["overdue"]) == ("OPEN", True)
    cancelled = ok(api, "cancelFollowUpTask", {"taskId": later["id"]}, admin_key)
    assert cancelled["status"] == "CANCELLED"

    assert [t["id"] for t in tasks(api, admin_key, member=someone, status="OPEN")] == [
        late["id"],
        today["id"],
    ]
    body = api.graphql(MEMBER_TASKS, {"id": someone}, key=admin_key)
    assert "errors" not in body, body
    edges = body["data"]["member"]["tasks"]["edges"]
    assert [e["node"]["id"] for e in edges] == [late["id"], today["id"], later["id"]]


def test_one_mutation_creates_a_task_from_an_at_risk_member_or_a_feedback_item(
    api: Api, admin_key: str, staff: str
) -> None:
    quiet = member(api, admin_key)
    put_at_risk(api, quiet)
    base = {"title": "Check in", "assigneeId": staff, "dueOn": day(2)}
    from_risk = ok(api, "createFollowUpTask", base | {"fromAtRisk": quiet}, admin_key)
    assert from_risk["memberId"] == quiet
    assert from_risk["link"] == {"kind": "AT_RISK", "id": quiet}

    author = member(api, admin_key)
    item = submit(api, admin_key, author)
    from_item = ok(
        api, "createFollowUpTask", base | {"fromFeedbackItem": item["itemId"]}, admin_key
    )
    assert from_item["memberId"] == author
    assert from_item["link"] == {"kind": "FEEDBACK_ITEM", "id": item["itemId"]}

    not_at_risk = run(api, "createFollowUpTask", base | {"fromAtRisk": author}, admin_key)
    assert (not_at_risk["__typename"], not_at_risk["code"]) == ("Conflict", "MEMBER_NOT_AT_RISK")
    mismatch = run(
        api,
        "createFollowUpTask",
        base | {"fromFeedbackItem": item["itemId"], "memberId": quiet},
        admin_key,
    )
    assert (mismatch["__typename"], mismatch["code"]) == ("Conflict", "LINKED_MEMBER_MISMATCH")
    never_nominated = run(
        api, "createFollowUpTask", base | {"fromAmbassadorNomination": quiet}, admin_key
    )
    assert (never_nominated["__typename"], never_nominated["id"]) == ("NotFound", quiet)


UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "a\u202eb"}, "title"),
        ({"title": "<script>alert(1)</script>\x00"}, "title"),
        ({"dueOn": "1999-12-31"}, "dueOn"),
        ({"memberId": "'; DROP TABLE outreach_tasks; --"}, "memberId"),
        ({"assigneeId": "not-an-id"}, "assigneeId"),
        ({"memberId": None}, "memberId"),
        ({"fromAtRisk": UNKNOWN, "fromFeedbackItem": UNKNOWN}, "fromFeedbackItem"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    api: Api, admin_key: str, staff: str, change: dict[str, object], field: str
) -> None:
    base = {"title": "Call", "memberId": UNKNOWN, "assigneeId": staff, "dueOn": day(1)}
    result = run(api, "createFollowUpTask", base | change, admin_key)
    assert result["__typename"] == "ValidationFailed", result
    assert [e["field"] for e in result["fieldErrors"]] == [field]


def test_a_non_staff_assignee_and_unknown_ids_are_typed_refusals(
    api: Api, admin_key: str, staff: str
) -> None:
    someone = member(api, admin_key)
    base = {"title": "Call", "memberId": someone, "dueOn": day(1)}
    not_staff = run(api, "createFollowUpTask", base | {"assigneeId": someone}, admin_key)
    assert not_staff["__typename"] == "ValidationFailed"
    assert not_staff["fieldErrors"][0]["field"] == "assigneeId"
    unknown_member = run(
        api, "createFollowUpTask", base | {"memberId": UNKNOWN, "assigneeId": staff}, admin_key
    )
    assert (unknown_member["__typename"], unknown_member["id"]) == ("NotFound", UNKNOWN)
    unknown_task = run(api, "completeFollowUpTask", {"taskId": UNKNOWN}, admin_key)
    assert (unknown_task["__typename"], unknown_task["id"]) == ("NotFound", UNKNOWN)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"assignee": "nope"}, "assignee: not an id"),
        ({"member": "1 OR 1=1"}, "member: not an id"),
        ({"after": "garbage"}, "after:"),
        ({"first": 0}, "first must be between"),
        ({"first": 10_000}, "first must be between"),
    ],
)
def test_bad_list_arguments_are_bad_user_input(
    api: Api, admin_key: str, arguments: dict[str, object], message: str
) -> None:
    body = api.graphql(LIST, arguments, key=admin_key)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and message in error["message"]


def test_a_date_that_is_not_a_day_is_refused_before_it_runs(api: Api, admin_key: str) -> None:
    body = api.graphql(LIST, {"dueBefore": "2026-02-30"}, key=admin_key)
    assert body["errors"] and body.get("data") is None
    assert "dueBefore" in body["errors"][0]["message"]
