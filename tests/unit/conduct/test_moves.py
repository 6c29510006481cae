"""The conduct process's moves: every (status, move) pair, allowed or refused by name."""

from __future__ import annotations

import itertools

import pytest

from domain.conduct import (
    IllegalIncidentMove,
    IncidentMove,
    IncidentStatus,
    after_move,
    allowed_moves,
)

S, M = IncidentStatus, IncidentMove
# The process as the issue tells it, written out by hand rather than read from MOVES:
# (status, move, decision appealed) -> status.
ALLOWED = {
    (None, M.REPORT, None): S.REPORTED,
    (S.REPORTED, M.START_REVIEW, None): S.UNDER_REVIEW,
    (S.REPORTED, M.UPHOLD, None): S.UPHELD,
    (S.UNDER_REVIEW, M.UPHOLD, None): S.UPHELD,
    (S.REPORTED, M.DISMISS, None): S.DISMISSED,
    (S.UNDER_REVIEW, M.DISMISS, None): S.DISMISSED,
    (S.UPHELD, M.APPEAL, S.UPHELD): S.APPEALED,
    (S.DISMISSED, M.APPEAL, S.DISMISSED): S.APPEALED,
    (S.APPEALED, M.CONFIRM_ON_APPEAL, S.UPHELD): S.UPHELD,
    (S.APPEALED, M.CONFIRM_ON_APPEAL, S.DISMISSED): S.DISMISSED,
    (S.APPEALED, M.OVERTURN_ON_APPEAL, S.UPHELD): S.OVERTURNED,
    (S.APPEALED, M.OVERTURN_ON_APPEAL, S.DISMISSED): S.UNDER_REVIEW,
}
PAIRS = list(itertools.product([None, *IncidentStatus], IncidentMove))
ALLOWED_PAIRS = {(status, move) for status, move, _ in ALLOWED}


@pytest.mark.parametrize(("status", "move", "decision"), list(ALLOWED))
def test_allowed_moves_lead_where_the_process_says(
    status: IncidentStatus | None, move: IncidentMove, decision: IncidentStatus | None
) -> None:
    assert after_move(status, move, decision) is ALLOWED[(status, move, decision)]
    assert move in allowed_moves(status)


@pytest.mark.parametrize(("status", "move"), [p for p in PAIRS if p not in ALLOWED_PAIRS])
def test_every_other_move_is_refused_naming_the_status_and_the_move(
    status: IncidentStatus | None, move: IncidentMove
) -> None:
    with pytest.raises(IllegalIncidentMove) as refused:
        after_move(status, move, S.UPHELD)
    assert (refused.value.status, refused.value.move) == (status, move)
    where = "never reported" if status is None else status.value.replace("_", " ")
    assert where in str(refused.value)
    assert move.value.replace("_", " ") in str(refused.value)
    assert move not in allowed_moves(status)
    assert refused.value.code == "ILLEGAL_INCIDENT_MOVE"


def test_final_statuses_allow_no_move() -> None:
    assert allowed_moves(S.OVERTURNED) == []
