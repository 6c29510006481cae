"""Follow-up tasks over HTTP: the documents and helpers the task API tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from domain.lifecycle import Evidence, Stage
from domain.lifecycle.stages import Assessment
from tests.api.conftest import Api

TASK = """
  id memberId assigneeId title dueOn status overdue link { kind id }
  createdAt completedAt cancelledAt reopenedAt memberErased version
"""
ERRORS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field message code } }
  ... on Conflict { code }
  ... on Forbidden { requiredRoles }
  ... on NotFound { id }
"""
MUTATIONS = {
    "createFollowUpTask": ("CreateFollowUpTaskInput", "FollowUpTaskCreated"),
    "completeFollowUpTask": ("FollowUpTaskInput", "FollowUpTaskCompleted"),
    "reopenFollowUpTask": ("FollowUpTaskInput", "FollowUpTaskReopened"),
    "cancelFollowUpTask": ("FollowUpTaskInput", "FollowUpTaskCancelled"),
}
LIST = f"""
query Tasks($assignee: ID, $status: FollowUpTaskStatus, $dueBefore: Date, $member: ID,
            $first: Int! = 50, $after: String) {{
  tasks(assignee: $assignee, status: $status, dueBefore: $dueBefore, member: $member,
        first: $first, after: $after) {{
    edges {{ cursor node {{ {TASK} }} }} pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
MEMBER_TASKS = f"""
query MemberTasks($id: ID!) {{
  member(id: $id) {{ id tasks(first: 10) {{ edges {{ node {{ {TASK} }} }} }} }}
}}
"""


def run(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """One task mutation; its result (asserting no top-level errors)."""
    input_type, success = MUTATIONS[name]
    conflict = (
        ""
        if name == "createFollowUpTask"
        else ("... on FollowUpTaskMoveConflict { code status move allowed }")
    )
    document = f"""
mutation Run($input: {input_type}!) {{
  {name}(input: $input) {{
    __typename
    ... on {success} {{ taskId version task {{ {TASK} }} }}
    {ERRORS}
    {conflict}
  }}
}}
"""
    body = api.graphql(document, {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def ok(api: Api, name: str, input: dict[str, Any], key: str) -> dict[str, Any]:
    """A task mutation that must succeed; the task it answers with."""
    result = run(api, name, input, key)
    assert result["__typename"] == MUTATIONS[name][1], result
    task: dict[str, Any] = result["task"]
    return task


def tasks(api: Api, key: str, **variables: Any) -> list[dict[str, Any]]:
    """Every task the list gives for these arguments, page by page."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        body = api.graphql(LIST, variables | {"after": after}, key=key)
        assert "errors" not in body, body
        page = body["data"]["tasks"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def put_at_risk(api: Api, member_id: str) -> None:
    """The lifecycle's verdict that the member is at risk, recorded as the evaluation does."""
    community = api.services.community
    member = community.get_member(UUID(member_id))
    now = datetime.now(UTC)
    evidence = Evidence(7.0, 0.0, now - timedelta(days=30), 30, 2.0)
    member.change_stage(Assessment(Stage.AT_RISK, evidence, "test", "quiet"), now)
    community.save(member)


def day(offset: int) -> str:
    """The UTC day `offset` days from today, as GraphQL's Date."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()
