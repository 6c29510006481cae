"""Cohort retention of the scripted community by month."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidField
from domain.health import Cohort, Granularity, Retained, cohort_retention, member_facts
from tests.unit.health.community import INTERACTIONS, JUDGED, MEMBERS

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in (1, 2, 3, 4))


def test_members_are_grouped_by_the_month_of_their_first_interaction_ever() -> None:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED).values()

    cohorts = cohort_retention(
        facts, start=JAN, end=date(2026, 5, 1), granularity=Granularity.MONTH
    )

    # A first interacted in December, before the span: in no cohort. I never interacted.
    assert cohorts == [
        Cohort(
            JAN,
            3,  # B, C, H
            (
                Retained(JAN, 3, 1.0),
                Retained(FEB, 1, 1 / 3),  # B
                Retained(MAR, 2, 2 / 3),  # C and H came back
                Retained(APR, 0, 0.0),
            ),
        ),
        Cohort(FEB, 1, (Retained(FEB, 1, 1.0), Retained(MAR, 1, 1.0), Retained(APR, 0, 0.0))),
        # No one first interacted in March: no March cohort.
        Cohort(APR, 2, (Retained(APR, 2, 1.0),)),  # J, K
    ]


def test_an_empty_span_is_refused() -> None:
    with pytest.raises(InvalidField) as refused:
        cohort_retention([], start=JAN, end=JAN, granularity=Granularity.MONTH)

    assert refused.value.field == "to"
