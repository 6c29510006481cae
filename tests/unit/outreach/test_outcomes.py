"""Outcome derivation at the window's boundaries, and its order of precedence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.outreach.outcomes import Outcome, OutreachFacts, derive_outcome, window_end

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DAYS = 7
LATER = AT + timedelta(days=60)


def outcome(now: datetime = LATER, **facts: object) -> Outcome:
    return derive_outcome(OutreachFacts(at=AT, **facts), now=now, reply_days=DAYS)  # type: ignore[arg-type]


def test_a_reply_on_day_n_counts_and_one_on_day_n_plus_one_does_not() -> None:
    assert outcome(first_reply_at=AT + timedelta(days=DAYS)) is Outcome.REPLIED
    assert outcome(first_reply_at=AT + timedelta(days=DAYS + 1)) is Outcome.NO_RESPONSE
    # The last second of day N still counts; a second after the window does not.
    assert outcome(first_reply_at=AT + timedelta(days=DAYS, seconds=-1)) is Outcome.REPLIED
    assert outcome(first_reply_at=AT + timedelta(days=DAYS, seconds=1)) is Outcome.NO_RESPONSE


def test_an_interaction_at_or_before_the_outreach_is_no_reply() -> None:
    assert outcome(first_reply_at=AT) is Outcome.NO_RESPONSE
    assert outcome(first_reply_at=AT - timedelta(hours=1)) is Outcome.NO_RESPONSE


def test_pending_while_the_window_is_open_then_no_response() -> None:
    assert outcome(now=AT + timedelta(days=1)) is Outcome.PENDING
    assert outcome(now=window_end(AT, DAYS)) is Outcome.PENDING
    assert outcome(now=window_end(AT, DAYS) + timedelta(seconds=1)) is Outcome.NO_RESPONSE


def test_a_reply_decides_before_the_window_closes() -> None:
    replied = AT + timedelta(days=2)
    assert outcome(now=AT + timedelta(days=3), first_reply_at=replied) is Outcome.REPLIED


@pytest.mark.parametrize("stage", ["at_risk", "inactive"])
def test_a_lapsed_member_active_again_within_the_window_returned(stage: str) -> None:
    back = AT + timedelta(days=3)
    found = outcome(stage_at_contact=stage, first_reply_at=back, returned_at=back)
    assert found is Outcome.RETURNED


def test_a_return_after_the_window_is_a_reply_at_most() -> None:
    late = AT + timedelta(days=DAYS + 1)
    early = AT + timedelta(days=1)
    assert outcome(stage_at_contact="at_risk", returned_at=late) is Outcome.NO_RESPONSE
    found = outcome(stage_at_contact="at_risk", first_reply_at=early, returned_at=late)
    assert found is Outcome.REPLIED
    edge = AT + timedelta(days=DAYS)
    assert outcome(stage_at_contact="at_risk", returned_at=edge) is Outcome.RETURNED


def test_an_active_member_cannot_return() -> None:
    back = AT + timedelta(days=3)
    found = outcome(stage_at_contact="active", first_reply_at=back, returned_at=back)
    assert found is Outcome.REPLIED
    assert outcome(stage_at_contact=None, returned_at=back) is Outcome.NO_RESPONSE


def test_as_of_an_instant_later_facts_are_unknown() -> None:
    reply = AT + timedelta(days=5)
    assert outcome(now=AT + timedelta(days=4), first_reply_at=reply) is Outcome.PENDING
    assert outcome(now=AT + timedelta(days=5), first_reply_at=reply) is Outcome.REPLIED
