"""The feedback workflow: every pair of statuses is allowed or refused naming both."""

from __future__ import annotations

import itertools

import pytest

from domain.feedback.workflow import (
    FeedbackStatus,
    IllegalStatusChange,
    check_status_change,
)

S = FeedbackStatus
ALLOWED = {
    (S.OPEN, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, S.PLANNED),
    (S.PLANNED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.SHIPPED),
    *((s, end) for s in (S.OPEN, S.UNDER_REVIEW, S.PLANNED, S.IN_PROGRESS)
      for end in (S.DECLINED, S.ANSWERED)),
    *((s, S.OPEN) for s in (S.SHIPPED, S.DECLINED, S.ANSWERED)),
}  # fmt: skip


@pytest.mark.parametrize(("current", "wanted"), list(itertools.product(S, S)))
def test_each_change_is_allowed_or_refused_naming_both_statuses(
    current: FeedbackStatus, wanted: FeedbackStatus
) -> None:
    if (current, wanted) in ALLOWED:
        check_status_change(current, wanted)
        return
    with pytest.raises(IllegalStatusChange) as refused:
        check_status_change(current, wanted)
    assert (refused.value.current, refused.value.wanted) == (current, wanted)
    assert str(refused.value) == f"feedback cannot go from {current.value} to {wanted.value}"
    assert refused.value.code == "ILLEGAL_STATUS_CHANGE"
