"""Effectiveness counted in SQL: each outreach's outcome from the facts kept in its row,
tallied per group, so that a year of outreach comes back as a few rows, not one per outreach.

The outcome is `outreach_outcome` (migrations/0028_outreach_effectiveness.sql), the SQL
twin of domain/outreach/outcomes.py's derive_outcome (an integration test holds them equal
on random facts); the figures are domain/outreach/effectiveness.py's, counted.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from psycopg import Connection

from domain.outreach.effectiveness import GroupFigures, Tallies
from domain.outreach.outcomes import Outcome

KEYS = {"purpose": "purpose", "channel": "channel", "staff": "staff_id::text"}
_DERIVED = """
derived AS MATERIALIZED (
    SELECT outreach_id, member_id, purpose, channel, staff_id, at, stage_at_contact,
        outreach_outcome(at, first_reply_at, stage_at_contact, returned_at, %(now)s,
            %(window)s) AS outcome
    FROM outreach_log WHERE at >= %(start)s AND at < %(end)s
)"""
GROUPS = f"""
WITH {_DERIVED}
SELECT {{key}} AS key, count(*) AS contacted, count(DISTINCT member_id) AS members,
    count(*) FILTER (WHERE outcome = 'replied') AS replied,
    count(*) FILTER (WHERE outcome = 'returned') AS returned,
    count(*) FILTER (WHERE outcome = 'no_response') AS no_response,
    count(*) FILTER (WHERE outcome = 'pending') AS pending,
    count(*) FILTER (WHERE stage_at_contact IN ('at_risk', 'inactive')
        AND outcome <> 'pending') AS lapsed_decided
FROM derived GROUP BY GROUPING SETS (({{key}}), ())
"""
# The contacted side of the recovery comparison: per member and week (Monday, UTC), the
# week's first AT_RISK_RECOVERY outreach to a member at risk then, with its outcome.
CASES = f"""
WITH {_DERIVED}
SELECT week, outcome, count(*) AS n FROM (
    SELECT DISTINCT ON (member_id, week) member_id, outcome,
        date_trunc('week', at AT TIME ZONE 'UTC')::date AS week
    FROM derived
    WHERE purpose = 'at_risk_recovery' AND stage_at_contact = 'at_risk'
    ORDER BY member_id, week, at, outreach_id
) c GROUP BY week, outcome
"""


def tallies(
    conn: Connection[Any],
    start: datetime,
    end: datetime,
    group_by: str,
    reply_days: int,
    now: datetime,
) -> Tallies:
    """The figures of outreach made in [start, end), grouped by `group_by`, as of `now`."""
    params = {"start": start, "end": end, "now": now, "window": timedelta(days=reply_days)}
    groups, total = [], _figures("", None)
    for row in conn.execute(GROUPS.format(key=KEYS[group_by]), params).fetchall():
        if row[0] is None:
            total = _figures("", row)
        else:
            groups.append(_figures(row[0], row))
    weeks: set[date] = set()
    cases: Counter[Outcome] = Counter()
    for week, outcome, n in conn.execute(CASES, params).fetchall():
        weeks.add(week)
        cases[Outcome(outcome)] += n
    return Tallies(tuple(groups), total, tuple(sorted(weeks)), cases)


def _figures(key: str, row: tuple[Any, ...] | None) -> GroupFigures:
    counts = [int(v) for v in row[1:]] if row else [0] * 7
    return GroupFigures(key, *counts)
