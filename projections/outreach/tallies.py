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
# One statement, two kinds of rows: per group and the total (key NULL), then the contacted
# side of the recovery comparison: per member and week (Monday, UTC), the week's first
# AT_RISK_RECOVERY outreach to a member at risk then, its outcome counted per week.
TALLIES = f"""
WITH {_DERIVED}, cases AS (
    SELECT DISTINCT ON (member_id, week) outcome, week FROM (
        SELECT member_id, outcome, at, outreach_id,
            date_trunc('week', at AT TIME ZONE 'UTC')::date AS week
        FROM derived
        WHERE purpose = 'at_risk_recovery' AND stage_at_contact = 'at_risk'
    ) r
    ORDER BY member_id, week, at, outreach_id
)
SELECT 'group' AS kind, {{key}} AS key, NULL::date AS week, count(*) AS contacted,
    count(DISTINCT member_id) AS members,
    count(*) FILTER (WHERE outcome = 'replied') AS replied,
    count(*) FILTER (WHERE outcome = 'returned') AS returned,
    count(*) FILTER (WHERE outcome = 'no_response') AS no_response,
    count(*) FILTER (WHERE outcome = 'pending') AS pending,
    count(*) FILTER (WHERE stage_at_contact IN ('at_risk', 'inactive')
        AND outcome <> 'pending') AS lapsed_decided
FROM derived GROUP BY GROUPING SETS (({{key}}), ())
UNION ALL
SELECT 'case', outcome, week, count(*), 0, 0, 0, 0, 0, 0 FROM cases GROUP BY outcome, week
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
    weeks: set[date] = set()
    cases: Counter[Outcome] = Counter()
    for kind, key, week, *counts in conn.execute(TALLIES.format(key=KEYS[group_by]), params):
        if kind == "case":
            weeks.add(week)
            cases[Outcome(key)] += counts[0]
        elif key is None:
            total = _figures("", counts)
        else:
            groups.append(_figures(key, counts))
    return Tallies(tuple(groups), total, tuple(sorted(weeks)), cases)


def _figures(key: str, counts: list[Any] | None) -> GroupFigures:
    return GroupFigures(key, *(int(v) for v in counts or [0] * 7))
