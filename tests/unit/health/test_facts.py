"""Member facts: who is counted, and what is known of them at an asOf."""

from __future__ import annotations

from datetime import date

from domain.health import Spell, member_facts
from domain.health.facts import spells_known
from tests.unit.health.community import BEFORE_LATE, INTERACTIONS, JUDGED, MEMBERS, at


def test_staff_bots_and_erased_members_are_left_out() -> None:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED)

    assert sorted(facts) == ["A", "B", "C", "D", "H", "I", "J", "K"]  # not E, F, G


def test_a_member_who_never_interacted_has_no_first_or_last_interaction() -> None:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED)["I"]

    assert (facts.first_interaction, facts.last_interaction, dict(facts.daily)) == (None, None, {})


def test_interactions_are_counted_per_utc_day() -> None:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED)

    assert facts["A"].daily == {date(2025, 12, 10): 1, date(2026, 1, 15): 5, date(2026, 2, 10): 1}
    assert facts["B"].daily == {date(2026, 1, 31): 1, date(2026, 2, 1): 1}


def test_an_interaction_recorded_after_as_of_is_unknown_then_and_known_later() -> None:
    early = member_facts(MEMBERS, INTERACTIONS, as_of=BEFORE_LATE)["H"]
    later = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED)["H"]

    assert early.first_interaction == at("2026-03-05")
    assert later.first_interaction == at("2026-01-20")
    assert later.last_interaction == at("2026-03-05")


def test_spells_are_as_they_stood_at_as_of() -> None:
    spells = (Spell(at("2026-01-01"), left=at("2026-03-10")), Spell(at("2026-04-02")))

    assert spells_known(spells, at("2026-03-01")) == (Spell(at("2026-01-01")),)
    assert spells_known(spells, at("2026-04-01")) == spells[:1]
    assert spells_known(spells, at("2026-04-02")) == spells


def test_member_until_counts_who_belonged_at_the_end_of_a_period() -> None:
    facts = member_facts(MEMBERS, INTERACTIONS, as_of=JUDGED)["D"]  # left on 10 March

    assert facts.member_until(at("2026-03-01"))
    assert facts.member_until(at("2026-03-10"))  # leaving at the end instant: still in
    assert not facts.member_until(at("2026-04-01"))
    assert not facts.member_until(at("2026-02-01"))  # joined exactly then: not before it
