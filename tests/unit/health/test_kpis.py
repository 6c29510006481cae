"""The KPIs of the scripted community by month, each worked out by hand from community.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.health import (
    Figure,
    Granularity,
    HealthRule,
    MemberFacts,
    PeriodKpis,
    absence_factor,
    community_kpis,
    member_facts,
)
from tests.unit.health.community import BEFORE_LATE, INTERACTIONS, JUDGED, MEMBERS, RULE, at


def monthly(
    as_of: datetime, end: date = date(2026, 5, 1), rule: HealthRule = RULE
) -> list[PeriodKpis]:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=as_of).values()
    return community_kpis(
        facts,
        start=date(2026, 1, 1),
        end=end,
        granularity=Granularity.MONTH,
        rule=rule,
        judged_at=as_of,
    )


def values(kpis: PeriodKpis) -> dict[str, int]:
    names = ("new", "active", "returning", "newly_inactive", "left", "total")
    more = ("interactions", "one_off", "repeat", "absence_factor")
    return {name: getattr(kpis, name).value for name in names + more}


def test_the_periods_are_the_months_of_the_span() -> None:
    months = monthly(JUDGED)

    assert [(m.start, m.end) for m in months] == [
        (date(2026, 1, 1), date(2026, 2, 1)),
        (date(2026, 2, 1), date(2026, 3, 1)),
        (date(2026, 3, 1), date(2026, 4, 1)),
        (date(2026, 4, 1), date(2026, 5, 1)),
    ]


def test_january() -> None:
    january = monthly(JUDGED)[0]

    assert values(january) == {
        "new": 3,  # B (23:59:59 on the 31st), C, H (late, but known by May): A was new in Dec
        "active": 4,  # A, B, C, H; staff E and bot F do not count
        "returning": 1,  # A: silent 35 days after 10 Dec, at least four weeks
        "newly_inactive": 0,  # no one's last interaction is in January
        "left": 0,
        "total": 4,  # A, B, C, H had joined by the end of January
        "interactions": 8,  # A 5 + B 1 + C 1 + H 1
        "one_off": 3,  # B, C, H: fewer than 4
        "repeat": 1,  # A: 5
        "absence_factor": 1,  # A's 5 of 8 are at least half
    }


def test_february() -> None:
    february = monthly(JUDGED)[1]

    assert values(february) == {
        "new": 1,  # D
        "active": 3,  # A, B (00:00:00 on the 1st), D
        "returning": 0,  # A was silent 24 days only, B not a day
        "newly_inactive": 2,  # A (10 Feb) and B (1 Feb): last interactions, > 4 weeks old
        "left": 0,
        "total": 6,  # A, B, C, H, with D and I joining on 1 Feb
        "interactions": 6,  # A 1 + B 1 + D 4
        "one_off": 2,  # A, B
        "repeat": 1,  # D: exactly 4
        "absence_factor": 1,  # D's 4 of 6
    }


def test_march() -> None:
    march = monthly(JUDGED)[2]

    assert values(march) == {
        "new": 0,  # H's first interaction is now known to be in January
        "active": 3,  # C, D, H
        "returning": 2,  # C after 73 silent days, H after 43; D was silent 14 days only
        "newly_inactive": 3,  # C (20 Mar), D (1 Mar), H (5 Mar): last ones, > 4 weeks old
        "left": 1,  # D on 10 Mar
        "total": 6,  # A, B, C, H, I, K (joined 25 Mar); D left
        "interactions": 3,
        "one_off": 3,
        "repeat": 0,
        "absence_factor": 2,  # one interaction of 3 is less than half; two are more
    }


def test_april() -> None:
    april = monthly(JUDGED)[3]

    assert values(april) == {
        "new": 2,  # J, K
        "active": 2,
        "returning": 0,
        "newly_inactive": 1,  # K: exactly four weeks old on 1 May; J's 11 days are not enough
        "left": 0,
        "total": 7,  # A, B, C, H, I, K, J
        "interactions": 11,
        "one_off": 1,  # K
        "repeat": 1,  # J: 10
        "absence_factor": 1,  # J's 10 of 11
    }


def test_each_number_comes_with_its_change_from_the_previous_period() -> None:
    january, february, march, april = monthly(JUDGED)

    # December had A only: new 1, active 1, total 1, one interaction.
    assert january.new == Figure(3, 2, 2.0)
    assert january.active == Figure(4, 3, 3.0)
    assert january.returning == Figure(1, 1, None)  # none in December: no relative change
    assert january.newly_inactive == Figure(0, 0, None)
    assert february.new == Figure(1, -2, pytest.approx(-2 / 3))
    assert february.total == Figure(6, 2, 0.5)
    assert february.repeat == Figure(1, 0, 0.0)
    assert march.interactions == Figure(3, -3, -0.5)
    assert march.absence_factor == Figure(2, 1, 1.0)
    assert april.left == Figure(0, -1, -1.0)
    assert april.total == Figure(7, 1, pytest.approx(1 / 6))


def test_a_late_interaction_changes_later_answers_not_earlier_ones() -> None:
    # Known on 1 April: H's January interaction is not (recorded 10 April).
    january, _, march = monthly(BEFORE_LATE, end=date(2026, 4, 1))

    assert (january.new.value, january.active.value, january.interactions.value) == (2, 3, 7)
    assert march.new.value == 1  # H's first interaction was then 5 March
    assert march.returning.value == 1  # C only: H was new, not returning
    # Judged on 1 April: D's 1 March is four weeks old; C's 20 and H's 5 March are not yet.
    assert march.newly_inactive.value == 1
    # And the same months asked in May see H's January interaction.
    assert monthly(JUDGED)[0].new.value == 3


def test_the_silence_that_makes_returning_and_inactive_comes_from_the_rule() -> None:
    march = monthly(JUDGED, rule=HealthRule(inactive_weeks=8))[2]

    assert march.returning.value == 1  # C's 73 silent days are 8 weeks; H's 43 are not
    assert march.newly_inactive.value == 2  # C's 20 March is only 6 weeks old on 1 May


def test_weeks_start_on_monday() -> None:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED).values()
    weeks = community_kpis(
        facts,
        start=date(2026, 1, 26),
        end=date(2026, 2, 9),
        granularity=Granularity.WEEK,
        rule=RULE,
        judged_at=JUDGED,
    )

    # Saturday 31 Jan and Sunday 1 Feb are one week: B is active once, with 2 interactions.
    assert [(w.start, w.active.value, w.interactions.value) for w in weeks] == [
        (date(2026, 1, 26), 1, 2),
        (date(2026, 2, 2), 0, 0),
    ]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [([], 0), ([0, 0], 0), ([5, 1, 1, 1], 1), ([1, 1, 1], 2), ([3, 3, 2, 2], 2), ([1, 1], 1)],
)
def test_absence_factor_is_the_fewest_members_making_half(counts: list[int], expected: int) -> None:
    assert absence_factor(counts) == expected


@pytest.mark.parametrize(("back_on", "returning"), [(date(2026, 3, 1), 1), (date(2026, 2, 28), 0)])
def test_returning_takes_n_whole_silent_weeks(back_on: date, returning: int) -> None:
    # Active on 31 Jan, then silent 1 Feb to 28 Feb: 28 days, four whole weeks; one day
    # fewer when back on 28 Feb.
    daily = {date(2026, 1, 31): 1, back_on: 1}
    facts = MemberFacts("Z", at("2026-01-31"), at(back_on.isoformat()), daily)

    (day,) = community_kpis(
        [facts],
        start=back_on,
        end=back_on + timedelta(days=1),
        granularity=Granularity.DAY,
        rule=RULE,
        judged_at=JUDGED,
    )

    assert day.returning.value == returning
