"""Who may change feedback: managers everything, product steers it, marketing and viewers read."""

from __future__ import annotations

from uuid import uuid4

import pytest

from api.auth import Role
from tests.api.conftest import Api
from tests.api.feedback.helpers import MUTATIONS, member, run, submit

STEER = {
    "triageFeedback",
    "changeFeedbackStatus",
    "linkFeedbackToTracker",
    "unlinkFeedbackFromTracker",
}
SOME_ID = str(uuid4())
# Inputs valid in shape for each mutation (the role is checked before anything else).
INPUTS = {
    "submitFeedback": {"authorId": SOME_ID, "channel": "EMAIL", "kind": "BUG", "text": "It broke"},
    "triageFeedback": {"itemId": SOME_ID, "team": "Core"},
    "respondToFeedback": {"itemId": SOME_ID, "responderId": SOME_ID, "channel": "EMAIL"},
    "supportFeedback": {"itemId": SOME_ID, "memberId": SOME_ID},
    "withdrawFeedbackSupport": {"itemId": SOME_ID, "memberId": SOME_ID},
    "changeFeedbackStatus": {"itemId": SOME_ID, "status": "DECLINED", "changedBy": SOME_ID},
    "markFeedbackDuplicate": {"itemId": SOME_ID, "canonicalId": SOME_ID, "markedBy": SOME_ID},
    "unmarkFeedbackDuplicate": {"itemId": SOME_ID, "unmarkedBy": SOME_ID},
    "linkFeedbackToTracker": {"itemId": SOME_ID, "url": "https://t.example.org/1", "key": "T-1"},
    "unlinkFeedbackFromTracker": {"itemId": SOME_ID},
    "recordFeedbackLoopClosed": {
        "itemId": SOME_ID,
        "memberId": SOME_ID,
        "channel": "EMAIL",
        "toldBy": SOME_ID,
    },
}


@pytest.fixture(scope="module")
def keys(api: Api) -> dict[Role, str]:
    """A key of each role."""
    return {role: api.key(role) for role in Role}


def test_every_mutation_is_covered() -> None:
    assert set(INPUTS) == set(MUTATIONS)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
@pytest.mark.parametrize("role", [Role.PRODUCT, Role.MARKETING, Role.VIEWER])
def test_roles_without_the_permission_are_forbidden(
    api: Api, keys: dict[Role, str], role: Role, name: str
) -> None:
    result = run(api, name, INPUTS[name], key=keys[role])
    if role is Role.PRODUCT and name in STEER:
        # Allowed: it gets as far as looking the item up.
        assert result["__typename"] == "NotFound", result
        return
    assert result["__typename"] == "Forbidden", result
    expected = ["admin", "manager", "product"] if name in STEER else ["admin", "manager"]
    assert result["requiredRoles"] == expected


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_managers_may_do_everything(api: Api, keys: dict[Role, str], role: Role) -> None:
    key = keys[role]
    author, backer = member(api, key), member(api, key)
    item_id = submit(api, key, author)["itemId"]
    supported = run(api, "supportFeedback", {"itemId": item_id, "memberId": backer}, key=key)
    assert supported["__typename"] == "FeedbackSupported", supported
    triaged = run(api, "triageFeedback", {"itemId": item_id, "priority": "LOW"}, key=key)
    assert triaged["__typename"] == "FeedbackTriaged", triaged


def test_product_steers_but_neither_submits_nor_answers(
    api: Api, keys: dict[Role, str], admin_key: str
) -> None:
    product = keys[Role.PRODUCT]
    staff = member(api, admin_key, staff=True)
    item_id = submit(api, admin_key)["itemId"]
    steps = [
        ("triageFeedback", {"productArea": "Billing", "priority": "URGENT", "team": "Pay"}),
        ("changeFeedbackStatus", {"status": "UNDER_REVIEW", "changedBy": staff}),
        ("linkFeedbackToTracker", {"url": "https://t.example.org/PAY-1", "key": "PAY-1"}),
        ("unlinkFeedbackFromTracker", {}),
    ]
    for name, fields in steps:
        result = run(api, name, {"itemId": item_id, **fields}, key=product)
        assert result["__typename"] == MUTATIONS[name][1], result
    answer = {"itemId": item_id, "responderId": staff, "channel": "EMAIL"}
    assert run(api, "respondToFeedback", answer, key=product)["__typename"] == "Forbidden"
