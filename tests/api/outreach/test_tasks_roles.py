"""Only admins and managers see or change follow-up tasks; every other role is refused."""

from __future__ import annotations

import pytest

from api.auth import Role
from tests.api.conftest import Api
from tests.api.feedback.helpers import member
from tests.api.outreach.tasks_helpers import LIST, MEMBER_TASKS, day, ok, run, tasks

REFUSED = (Role.PRODUCT, Role.MARKETING, Role.VIEWER)


@pytest.fixture(scope="module")
def task(api: Api, admin_key: str) -> dict[str, object]:
    staff, someone = member(api, admin_key, staff=True), member(api, admin_key)
    fields = {"title": "Call", "memberId": someone, "assigneeId": staff, "dueOn": day(1)}
    return ok(api, "createFollowUpTask", fields, admin_key)


def test_a_manager_creates_moves_and_lists_tasks(api: Api, task: dict[str, object]) -> None:
    key = api.key(Role.MANAGER)
    assert ok(api, "completeFollowUpTask", {"taskId": task["id"]}, key)["status"] == "DONE"
    assert task["id"] in {t["id"] for t in tasks(api, key, member=task["memberId"])}


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_get_forbidden_and_see_no_task(
    api: Api, task: dict[str, object], role: Role
) -> None:
    key = api.key(role)
    create = {"title": "x", "memberId": task["memberId"], "assigneeId": task["assigneeId"]}
    attempts = {
        "createFollowUpTask": create | {"dueOn": day(1)},
        "completeFollowUpTask": {"taskId": task["id"]},
        "reopenFollowUpTask": {"taskId": task["id"]},
        "cancelFollowUpTask": {"taskId": task["id"]},
    }
    for name, input in attempts.items():
        result = run(api, name, input, key)
        assert result["__typename"] == "Forbidden", (name, result)
        assert result["requiredRoles"] == ["admin", "manager"]
    body = api.graphql(LIST, {}, key=key)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = api.graphql(MEMBER_TASKS, {"id": task["memberId"]}, key=key)
    assert body["data"]["member"]["tasks"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["member", "tasks"]


def test_no_key_is_unauthorised(api: Api) -> None:
    response = api.client.post(
        f"{api.url}/graphql", json={"query": "{ tasks { edges { cursor } } }"}
    )
    assert response.status_code == 401
