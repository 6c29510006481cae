"""A scripted community of eight counted members (and three left out) over Dec 2025 to Apr 2026.

Every interaction is recorded when it happens except H's of 20 January, recorded on 10 April.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.health import HealthRule, InteractionSeen, MemberRecord, Spell


def at(text: str) -> datetime:
    """An aware UTC instant from 'YYYY-MM-DD[THH:MM:SS]'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# Four silent weeks make a member inactive here, so returns fit in a few months.
RULE = HealthRule(inactive_weeks=4)
JUDGED = at("2026-05-01")  # also the asOf of the full answer
BEFORE_LATE = at("2026-04-01")  # an asOf before H's late interaction was recorded

MEMBERS = [
    MemberRecord("A", spells=(Spell(at("2025-12-01")),)),
    MemberRecord("B", spells=(Spell(at("2026-01-20")),)),
    MemberRecord("C", spells=(Spell(at("2026-01-01")),)),
    MemberRecord("D", spells=(Spell(at("2026-02-01"), left=at("2026-03-10")),)),
    MemberRecord("E", is_staff=True, spells=(Spell(at("2025-12-01")),)),
    MemberRecord("F", is_bot=True, spells=(Spell(at("2025-12-01")),)),
    MemberRecord("G", is_erased=True, spells=(Spell(at("2025-12-01")),)),
    MemberRecord("H", spells=(Spell(at("2026-01-10")),)),
    MemberRecord("I", spells=(Spell(at("2026-02-01")),)),  # joins, never interacts
    MemberRecord("J", spells=(Spell(at("2026-04-01")),)),
    MemberRecord("K", spells=(Spell(at("2026-03-25")),)),
]


def _seen(
    member: str, when: str, times: int = 1, recorded: str | None = None
) -> list[InteractionSeen]:
    occurred = at(when)
    stored = at(recorded) if recorded else occurred + timedelta(seconds=1)
    return [InteractionSeen(member, occurred, stored) for _ in range(times)]


INTERACTIONS = [
    *_seen("A", "2025-12-10"),
    *_seen("A", "2026-01-15", 5),
    *_seen("A", "2026-02-10"),
    *_seen("B", "2026-01-31T23:59:59"),  # the last second of January
    *_seen("B", "2026-02-01T00:00:00"),  # the first second of February
    *_seen("C", "2026-01-05"),
    *_seen("C", "2026-03-20"),
    *_seen("D", "2026-02-14", 4),
    *_seen("D", "2026-03-01"),
    *_seen("E", "2026-01-12", 3),
    *_seen("F", "2026-01-13", 2),
    *_seen("G", "2026-02-03"),
    *_seen("H", "2026-01-20", recorded="2026-04-10"),  # arrives late
    *_seen("H", "2026-03-05"),
    *_seen("J", "2026-04-20", 10),
    *_seen("K", "2026-04-03T00:00:00"),  # exactly four weeks before JUDGED
]
