"""Backtests on hand-built histories, where every figure can be worked out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from application.lifecycle.backtest import Backtest, BacktestReport
from application.lifecycle.scoring import RuleScore
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.backtesting import (
    InvalidBacktest,
    OutcomeNotYetKnown,
    TooManyDates,
    regularly_active,
)
from domain.lifecycle.history import History, to_us
from domain.lifecycle.reference_rules import CrowdSlipping
from domain.lifecycle.rule import StageRule
from domain.lifecycle.stages import Stage, verdict
from domain.lifecycle.timeline import Timeline
from domain.moments import DEFAULT_BOUNDS, MomentTooEarly
from tests.unit.lifecycle.fakes import Histories

DAY, HOUR, WEEK = timedelta(days=1), timedelta(hours=1), timedelta(weeks=1)
START = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
DATES = [START + n * WEEK for n in range(4)]
HORIZON = 4 * WEEK
NOW = DATES[-1] + HORIZON + WEEK
A, B, C = (UUID(int=n) for n in (1, 2, 3))


def member(member_id: UUID, until: datetime, since: datetime = START - 400 * DAY) -> History:
    """A member who interacted every day from `since` up to `until` (included)."""
    days = int((until - since) / DAY)
    return History.of(member_id, since, ((until - n * DAY, 3.0) for n in range(days + 1)))


@dataclass(frozen=True)
class Scripted:
    """A reference rule that flags the members and dates it is told to, with their ranks."""

    script: dict[tuple[UUID, datetime], float]
    name: str = "scripted"
    description: str = "flags what it is told to"
    top_share: float | None = None

    def flags(self, timeline: Timeline, at_us: int, seen: int) -> bool:
        return self._key(timeline, at_us) in self.script

    def rank(self, timeline: Timeline, at_us: int, seen: int) -> float:
        return self.script.get(self._key(timeline, at_us), 0.0)

    def _key(self, timeline: Timeline, at_us: int) -> tuple[UUID, datetime]:
        return timeline.history.member_id, datetime.fromtimestamp(at_us / 1e6, UTC)


def backtest(stored: list[History], *rules: object, end: datetime = DATES[-1]) -> BacktestReport:
    use_case = Backtest(
        Histories(*stored),
        rule=StageRule(),
        engagement=EngagementRule(),
        bounds=DEFAULT_BOUNDS,
        clock=lambda: NOW,
        references=rules,  # type: ignore[arg-type]  # test doubles of ReferenceRule
    )
    return use_case.run(None, START, end, every=WEEK, horizon=HORIZON)


def scored(report: BacktestReport, name: str) -> RuleScore:
    return next(score for score in report.references if score.name == name)


# A stops for good the day before the first date; B never stops; C stops an hour before
# the third date. With a 4-week horizon, A stopped at all four dates, C at the last two.
COMMUNITY = [member(A, DATES[0] - DAY), member(B, NOW), member(C, DATES[2] - HOUR)]
SCRIPT = {
    (B, DATES[0]): 10.0,
    **{(who, DATES[d]): 5.0 for who in (A, B, C) for d in (1, 2)},
    (B, DATES[3]): 10.0,
    (C, DATES[3]): 1.0,
}


def test_precision_recall_and_f1_are_pooled_over_the_dates() -> None:
    report = backtest(COMMUNITY, Scripted(SCRIPT))
    assert (report.members, report.judged, report.stopped) == (3, 12, 6)
    score = scored(report, "scripted")
    # Flagged 1 + 3 + 3 + 2; right: A at date 1, A and C at date 2, C at date 3.
    assert (score.flagged, score.true_positives) == (9, 4)
    assert score.precision == pytest.approx(4 / 9)
    assert score.recall == pytest.approx(4 / 6)
    assert score.f1 == pytest.approx(2 * (4 / 9) * (4 / 6) / (4 / 9 + 4 / 6))
    # Under ten flags a date: each date's top ten is all it flagged.
    assert score.precision_at_10 == score.precision_at_25 == pytest.approx(4 / 9)


def test_lead_time_counts_from_the_run_of_flags_that_caught_the_stop() -> None:
    score = scored(backtest(COMMUNITY, Scripted(SCRIPT)), "scripted")
    assert (score.stops, score.stops_caught) == (2, 2)
    # A went quiet a day before date 0 and was first flagged at date 1: 8 days late.
    late = -8 / 7
    # C was flagged from date 1 on, a week before going quiet an hour before date 2.
    early = (WEEK - HOUR) / WEEK
    assert late < 0 < early
    assert score.median_lead_weeks == pytest.approx((late + early) / 2)


def test_a_stop_never_flagged_is_not_caught() -> None:
    score = scored(backtest(COMMUNITY, Scripted({(B, DATES[1]): 1.0})), "scripted")
    assert (score.stops, score.stops_caught, score.median_lead_weeks) == (2, 0, None)
    assert (score.flagged, score.true_positives, score.precision) == (1, 0, 0.0)
    assert score.f1 == 0.0


def test_precision_at_k_takes_each_dates_highest_ranked_flags() -> None:
    # Thirty members at one date; the odd ones stop. The rule ranks member n at n.
    people = [UUID(int=100 + n) for n in range(30)]
    stored = [member(p, DATES[0] - DAY if n % 2 else NOW) for n, p in enumerate(people)]
    script = {(p, DATES[0]): float(n) for n, p in enumerate(people)}
    score = scored(backtest(stored, Scripted(script), end=DATES[0] + DAY), "scripted")
    assert (score.flagged, score.true_positives) == (30, 15)
    assert score.precision_at_10 == pytest.approx(5 / 10)  # 29, 27, 25, 23, 21
    assert score.precision_at_25 == pytest.approx(13 / 25)  # 29, 27, ..., 5


def test_ties_in_rank_are_broken_the_same_way_every_time() -> None:
    people = [UUID(int=100 + n) for n in range(30)]
    stored = [member(p, DATES[0] - DAY if n < 10 else NOW) for n, p in enumerate(people)]
    script = {(p, DATES[0]): 1.0 for p in people}
    first = scored(backtest(stored, Scripted(script), end=DATES[0] + DAY), "scripted")
    again = scored(backtest(stored[::-1], Scripted(script), end=DATES[0] + DAY), "scripted")
    assert first.precision_at_10 == again.precision_at_10 == 0.0  # the last ids first


def test_only_the_regularly_active_are_judged() -> None:
    # Five active weeks in the year: not judged. Quiet for 90 days: not judged either.
    five_weeks = History.of(A, START - 400 * DAY, ((DATES[0] - n * WEEK, 3.0) for n in range(5)))
    gone = member(B, DATES[0] - 91 * DAY)
    six_weeks = History.of(C, START - 400 * DAY, ((DATES[0] - n * WEEK, 3.0) for n in range(6)))
    report = backtest([five_weeks, gone, six_weeks], Scripted({}), end=DATES[0] + DAY)
    assert (report.judged, report.stopped) == (1, 1)


def test_crowd_dev_slipping_flags_only_the_top_share_of_those_judged() -> None:
    # Ten members silent 30 days or more at the date, with higher scores for later ids.
    stored = [
        History.of(
            UUID(int=n),
            START - 400 * DAY,
            ((DATES[0] - 31 * DAY - d * DAY, float(n)) for d in range(60)),
        )
        for n in range(1, 11)
    ]
    score = backtest(stored, CrowdSlipping(), end=DATES[0] + DAY).references[0]
    assert (score.flagged, score.true_positives) == (2, 2)  # the top 20%: ids 9 and 10


def test_the_stage_rule_is_scored_beside_the_references() -> None:
    report = backtest(COMMUNITY, Scripted(SCRIPT))
    assert report.rule.name == StageRule().version
    # A and C had an interaction every day: gone a day, they are at risk within 14 days.
    assert report.rule.true_positives > 0 and report.rule.stops == 2


def test_reading_goes_a_page_at_a_time() -> None:
    port = Histories(*(member(UUID(int=n), NOW) for n in range(1, 2_502)))
    Backtest(
        port,
        rule=StageRule(),
        engagement=EngagementRule(),
        bounds=DEFAULT_BOUNDS,
        clock=lambda: NOW,
    ).run(None, START, START + DAY, horizon=HORIZON)
    assert port.pages == [2_000, 501, 0]


@pytest.mark.parametrize(
    ("start", "end", "every", "horizon", "error", "field"),
    [
        (START.replace(tzinfo=None), DATES[-1], WEEK, HORIZON, InvalidBacktest, "from"),
        (START, DATES[-1].replace(tzinfo=None), WEEK, HORIZON, InvalidBacktest, "to"),
        (datetime(1980, 1, 1, tzinfo=UTC), DATES[-1], WEEK, HORIZON, MomentTooEarly, "from"),
        (START, START, WEEK, HORIZON, InvalidBacktest, "to"),
        (START, DATES[-1], DAY / 2, HORIZON, InvalidBacktest, "every_days"),
        (START, DATES[-1], 366 * DAY, HORIZON, InvalidBacktest, "every_days"),
        (START, DATES[-1], WEEK, 6 * DAY, InvalidBacktest, "horizon_weeks"),
        (START, DATES[-1], WEEK, 105 * WEEK, InvalidBacktest, "horizon_weeks"),
        (START, DATES[-1], WEEK, 6 * WEEK, OutcomeNotYetKnown, "to"),
        (START - 600 * DAY, DATES[-1], DAY, HORIZON, TooManyDates, "every_days"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(
    start: datetime,
    end: datetime,
    every: timedelta,
    horizon: timedelta,
    error: type[Exception],
    field: str,
) -> None:
    use_case = Backtest(
        Histories(),
        rule=StageRule(),
        engagement=EngagementRule(),
        bounds=DEFAULT_BOUNDS,
        clock=lambda: NOW,
    )
    with pytest.raises(error) as raised:
        use_case.run(None, start, end, every=every, horizon=horizon)
    assert getattr(raised.value, "field", None) == field


def test_a_too_recent_end_says_how_recent_it_may_be() -> None:
    use_case = Backtest(
        Histories(),
        rule=StageRule(),
        engagement=EngagementRule(),
        bounds=DEFAULT_BOUNDS,
        clock=lambda: NOW,
    )
    with pytest.raises(OutcomeNotYetKnown) as raised:
        use_case.run(None, START, DATES[-1], horizon=6 * WEEK)
    assert "6 weeks" in raised.value.message
    assert f"{NOW - 6 * WEEK:%Y-%m-%d}" in raised.value.message


def test_five_hundred_and_twenty_dates_are_allowed() -> None:
    end = START + 519 * DAY
    use_case = Backtest(
        Histories(),
        rule=StageRule(),
        engagement=EngagementRule(),
        bounds=DEFAULT_BOUNDS,
        clock=lambda: end + HORIZON,
    )
    assert len(use_case.run(None, START, end, every=DAY, horizon=HORIZON).schedule.dates) == 520


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 12), st.floats(-80, 20, allow_nan=False)),
        min_size=1,
        max_size=5,
    )
)
def test_the_stage_rule_flags_as_it_does_asked_at_every_date_alone(
    members: list[tuple[int, float]],
) -> None:
    """The replay skips asking the rule when a silence is too short to flag: same answers."""
    # Each member interacts every `gap` days for a year, until `stop` days after START.
    stored = [
        History.of(
            UUID(int=n + 1),
            START - 500 * DAY,
            ((START + stop * DAY - k * gap * DAY, 3.0) for k in range(365 // gap)),
        )
        for n, (gap, stop) in enumerate(members)
    ]
    report = backtest(stored)
    rule, flagged = StageRule(), 0
    for history in stored:
        timeline = Timeline(history, timedelta(days=30))
        for date in DATES:
            at = to_us(date)
            seen = timeline.seen(at)
            if regularly_active(timeline, at, seen):
                flagged += verdict(rule, history, at).stage is Stage.AT_RISK
    assert report.rule.flagged == flagged
