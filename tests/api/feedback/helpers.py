"""Feedback mutations over HTTP: documents asking for the result and any error's details."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api, join, succeed, unique

# Each mutation's input type and success type.
MUTATIONS = {
    "submitFeedback": ("SubmitFeedbackInput", "FeedbackSubmitted"),
    "triageFeedback": ("TriageFeedbackInput", "FeedbackTriaged"),
    "respondToFeedback": ("RespondToFeedbackInput", "FeedbackRespondedTo"),
    "supportFeedback": ("SupportFeedbackInput", "FeedbackSupported"),
    "withdrawFeedbackSupport": ("WithdrawFeedbackSupportInput", "FeedbackSupportWithdrawn"),
    "changeFeedbackStatus": ("ChangeFeedbackStatusInput", "FeedbackStatusChanged"),
    "markFeedbackDuplicate": ("MarkFeedbackDuplicateInput", "FeedbackMarkedDuplicate"),
    "unmarkFeedbackDuplicate": ("UnmarkFeedbackDuplicateInput", "FeedbackUnmarkedDuplicate"),
    "linkFeedbackToTracker": ("LinkFeedbackToTrackerInput", "FeedbackLinkedToTracker"),
    "unlinkFeedbackFromTracker": (
        "UnlinkFeedbackFromTrackerInput",
        "FeedbackUnlinkedFromTracker",
    ),
    "recordFeedbackLoopClosed": ("RecordFeedbackLoopClosedInput", "FeedbackLoopClosed"),
}

ITEM_FIELDS = """
  id version status kind text sourceUrl productArea priority team supporterCount uniqueMembers
  duplicateOf duplicateCount trackerUrl trackerKey loopClosed loopOwed firstResponseAt
"""
_ERRORS = """
  ... on Error { message }
  ... on ValidationFailed { fieldErrors { field message code } }
  ... on NotFound { id }
  ... on Conflict { code currentVersion }
  ... on Forbidden { requiredRoles }
"""
_SPECIFIC = {
    "changeFeedbackStatus": "... on FeedbackStatusConflict { code fromStatus toStatus allowed }",
    "markFeedbackDuplicate": "... on FeedbackGroupConflict { code canonicalId duplicateIds }",
    "recordFeedbackLoopClosed": "... on FeedbackLoopClosed { alreadyTold }",
}


def document(name: str) -> str:
    """The mutation, asking for the success type's fields and every error's details."""
    input_type, success = MUTATIONS[name]
    return f"""
mutation Run($input: {input_type}!) {{
  {name}(input: $input) {{
    __typename
    ... on {success} {{ itemId version item {{ {ITEM_FIELDS} }} }}
    {_SPECIFIC.get(name, "")}
    {_ERRORS}
  }}
}}
"""


def run(api: Api, name: str, input: dict[str, Any], *, key: str) -> dict[str, Any]:
    """One feedback mutation's result (asserting no top-level errors)."""
    body = api.graphql(document(name), {"input": input}, key=key)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    return result


def done(api: Api, name: str, input: dict[str, Any], *, key: str) -> dict[str, Any]:
    """A mutation that must succeed; its result."""
    result = run(api, name, input, key=key)
    assert result["__typename"] == MUTATIONS[name][1], result
    return result


def member(api: Api, key: str, *, staff: bool = False) -> str:
    """A new member's id (staff when asked)."""
    member_id = str(join(api, key)["id"])
    if staff:
        succeed(api, "markMemberAsStaff", {"memberId": member_id}, key=key)
    return member_id


def submit(api: Api, key: str, author: str | None = None, **fields: Any) -> dict[str, Any]:
    """New feedback (a feature request a day old unless said otherwise); its result."""
    values = {
        "authorId": author or member(api, key),
        "channel": "DISCORD",
        "kind": "FEATURE_REQUEST",
        "text": unique("Dark mode, please "),
        "submittedAt": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
    }
    return done(api, "submitFeedback", values | fields, key=key)
