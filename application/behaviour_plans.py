"""Each behaviour's plan: on which days a member of application/behaviours.py is active.

Days are numbered from the community's first day; a plan says which days a member is
active (and whether busy, as a maintainer's release days are) and when they took a break.
application/behaviours.py turns the days into interactions.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """Where a member's active days may fall, in day numbers from the community's start."""

    first: int  # the day they join: their first active day
    last: int  # the community's last day
    weekday: int  # day 0's weekday, Monday 0

    def monday(self, day: int) -> int:
        """The Monday of `day`'s week."""
        return day - (day + self.weekday) % 7


@dataclass(frozen=True)
class Plan:
    """A member's active days and breaks, in days from the community's start."""

    days: list[tuple[int, bool, int]]  # (day, busy, interactions that day; 0: draw 1-3)
    breaks: list[tuple[int, int]]  # [from, to): no interaction in between
    stops: bool = False


def _rhythm(rng: random.Random, span: Span, first: int, last: int) -> list[int]:
    """Active days in [first, last]: 1-4 a Monday-week (the member's own), a little noise."""
    per_week = rng.choices((1, 2, 3, 4), (50, 30, 15, 5))[0]
    days = {first}
    for week in range(span.monday(first), last + 1, 7):
        if rng.random() < 0.03:  # a week off, now and then
            continue
        count = min(7, max(1, per_week + rng.choice((-1, 0, 0, 0, 0, 1))))
        days.update(d for d in rng.sample(range(week, week + 7), count) if first <= d <= last)
    return sorted(days)


def _holidays(
    rng: random.Random, span: Span, share: float, length: tuple[int, int]
) -> list[tuple[int, int]]:
    """In each year after joining, with probability `share`, a holiday of `length` days."""
    breaks = []
    for year in range(span.first, span.last + 1, 365):
        begins = year + rng.randint(30, 330)
        if rng.random() < share and begins <= span.last:
            breaks.append((begins, begins + rng.randint(*length)))
    return breaks


def _light(days: list[int], breaks: list[tuple[int, int]]) -> list[tuple[int, bool, int]]:
    """Ordinary active days, without those in a break."""
    return [(d, False, 0) for d in days if not any(a <= d < b for a, b in breaks)]


def steady(rng: random.Random, span: Span) -> Plan:
    """1-4 active days a week, and in most years a holiday of one or two weeks."""
    breaks = _holidays(rng, span, 0.6, (7, 14))
    return Plan(_light(_rhythm(rng, span, span.first, span.last), breaks), breaks)


def maintainer(rng: random.Random, span: Span) -> Plan:
    """Release bursts of builders' work, quiet weeks between, a 2-4 week holiday each year."""
    # Release bursts of 5-12 days, busy on most of them, then 2-6 quiet weeks, often with one
    # light day. Once a year the quiet weeks after a burst are a 2-4 week holiday instead,
    # taken within days of the release: no longer than their quiet weeks, not to be flagged.
    days: list[tuple[int, bool, int]] = [(span.first, True, 0)]
    breaks: list[tuple[int, int]] = []
    holiday_due = span.first + rng.randint(30, 330)
    day = span.first + 1
    while day <= span.last:
        burst = rng.randint(5, 12)
        days.extend((d, True, 0) for d in range(day, day + burst) if rng.random() < 0.75)
        day += burst
        if day >= holiday_due:
            away = day + rng.randint(0, 5)
            back = away + rng.randint(14, 28)
            breaks.append((away, min(back, span.last + 1)))
            day, holiday_due = back + rng.randint(0, 5), holiday_due + 365
            continue
        quiet = rng.randint(14, 42)
        if rng.random() < 0.5:
            days.append((day + rng.randint(5, quiet - 5), False, 0))
        day += quiet
    kept = [entry for entry in days if entry[0] <= span.last]
    return Plan(kept, [b for b in breaks if b[0] <= span.last])


def one_off(rng: random.Random, span: Span) -> Plan:
    """1-3 interactions: all on the day they came, or spread over a weekend."""
    later = [
        min(span.last, span.first + rng.choice((0, 0, 1, 2))) for _ in range(rng.randint(0, 2))
    ]
    counts = Counter([span.first, *later])
    return Plan([(d, False, counts[d]) for d in sorted(counts)], [])


def occasional(rng: random.Random, span: Span) -> Plan:
    """A few active weeks a year at random, never six within a year."""
    # One Monday-week at a time, 11-26 weeks apart: at most five active weeks in any year.
    days = {span.first}
    monday = span.monday(span.first)
    while monday <= span.last:
        week = [d for d in range(monday, monday + 7) if span.first <= d <= span.last]
        days.update(rng.sample(week, min(len(week), rng.randint(1, 2))))
        monday += 7 * rng.randint(11, 26)
    return Plan(_light(sorted(days), []), [])


def fader(rng: random.Random, span: Span) -> Plan:
    """Regular, then each gap longer than the one before, until they stop for good."""
    # Regular, then each gap 1.35-1.6 times the one before, until a gap would pass 30-60 days:
    # a fade of two to six months.
    fading = rng.randint(span.first + 70, span.last - 200)
    days = _rhythm(rng, span, span.first, fading)
    gap, day, limit = rng.uniform(2.5, 5.0), float(days[-1]), rng.uniform(30, 60)
    while gap <= limit and day + gap <= span.last:
        day += gap
        days.append(int(day))
        gap *= rng.uniform(1.35, 1.6)
    return Plan(_light(sorted(set(days)), []), [], stops=True)


def stopper(rng: random.Random, span: Span) -> Plan:
    """Regular, then nothing ever again from a random day on."""
    stops = rng.randint(span.first + 70, span.last)
    return Plan(_light(_rhythm(rng, span, span.first, stops), []), [], stops=True)


def returner(rng: random.Random, span: Span) -> Plan:
    """Regular, silent for two to six months, then back at a rhythm of their own."""
    silence = rng.randint(60, 180)
    leaves = rng.randint(span.first + 70, span.last - silence - 30)
    before = _rhythm(rng, span, span.first, leaves)
    back = before[-1] + 1 + silence
    after = _rhythm(rng, span, back, span.last)
    return Plan(_light(before + after, []), [(before[-1] + 1, back)])
