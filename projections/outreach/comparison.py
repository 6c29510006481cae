"""The recovery comparison's not-contacted group, counted from the at-risk rollups.

Member-weeks of the chosen weeks in which a member was at risk and reached by no outreach
in the week or the reply window before it (domain/outreach/effectiveness.py). Counted as
everyone at risk, from day rollups (migrations/0028_outreach_effectiveness.sql), minus the
member-weeks some outreach touched, tested one by one: the read touches a few hundred
rollup rows per week and the rows of the outreach in the span, never one row per at-risk
member, so an interval still open counts in every week without an event.

Per chosen week W (a Monday), of the intervals overlapping it:

- began in W: the anchor is the start; back when the interval ended back in activity
  within N days of it (its length in days rounded up, at most N); pending when the start
  is within N days before now and it is not back: read from the spans by start, since
  only the last weeks can have them;
- began before W (entered before W minus ended by W): the anchor is W; back when it ended
  back in activity in (W, W + N]; all not back are pending when W + N is not past.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psycopg import Connection

from domain.outreach.effectiveness import NotContacted

NOT_CONTACTED = """
WITH weeks AS MATERIALIZED (
    SELECT w, (w::timestamp AT TIME ZONE 'UTC') AS starts
    FROM unnest(%(chosen)s::date[]) AS w
), everyone AS (
    SELECT
        (SELECT coalesce(sum(d.entered), 0) FROM outreach_risk_days d
            WHERE d.day >= k.w AND d.day < k.w + 7) AS began,
        (SELECT coalesce(sum(d.entered), 0) FROM outreach_risk_days d WHERE d.day < k.w)
            - (SELECT coalesce(sum(d.exited), 0) FROM outreach_risk_days d WHERE d.day <= k.w)
            AS ongoing,
        (SELECT coalesce(sum(r.n), 0) FROM outreach_risk_returns r
            WHERE r.entry_day >= k.w AND r.entry_day < k.w + 7
                AND r.delay_days <= %(days)s) AS began_back,
        (SELECT coalesce(sum(r.n), 0) FROM outreach_risk_returns r
            WHERE r.exit_day > k.w AND r.exit_day <= k.w + %(days)s AND r.entry_day < k.w)
            AS ongoing_back,
        k.starts + %(window)s >= %(now)s AS ongoing_open,
        (SELECT count(*) FROM outreach_risk_spans sp
            WHERE sp.started_at >= greatest(k.starts, %(now)s - %(window)s)
                AND sp.started_at < k.starts + interval '7 days'
                AND NOT (sp.back AND sp.ended_at <= sp.started_at + %(window)s))
            AS began_open
    FROM weeks k
), removed AS (
    -- The member-weeks some outreach touched (W in (at - 7 days, at + N]), of the members
    -- any outreach reached: once per interval and week, however many outreach. (An
    -- integer series, whose length the planner knows.)
    SELECT DISTINCT sp.member_id, sp.started_at, k.starts,
        sp.back AND sp.ended_at <= greatest(k.starts, sp.started_at) + %(window)s AS back,
        greatest(k.starts, sp.started_at) + %(window)s >= %(now)s AS open
    FROM outreach_risk_spans sp
    JOIN outreach_log o ON o.member_id = sp.member_id
        AND o.at >= %(base)s - %(window)s AND o.at < %(last)s
    CROSS JOIN generate_series(0, %(spread)s) AS g(n)
    JOIN weeks k ON k.starts = date_bin('7 days', o.at, %(base)s) + g.n * interval '7 days'
    WHERE sp.reached AND sp.started_at < %(last)s
        AND (sp.ended_at IS NULL OR sp.ended_at > %(base)s)
        AND k.starts <= o.at + %(window)s
        AND sp.started_at < k.starts + interval '7 days'
        AND (sp.ended_at IS NULL OR sp.ended_at > k.starts)
)
SELECT
    (SELECT sum(began + ongoing) FROM everyone)
        - (SELECT count(*) FROM removed) AS cases,
    (SELECT sum(began_back + ongoing_back) FROM everyone)
        - (SELECT count(*) FROM removed WHERE back) AS returned,
    (SELECT sum(began_open + CASE WHEN ongoing_open THEN ongoing - ongoing_back ELSE 0 END)
        FROM everyone)
        - (SELECT count(*) FROM removed WHERE NOT back AND open) AS pending
"""


def not_contacted(
    conn: Connection[Any], weeks: list[date], reply_days: int, now: datetime
) -> NotContacted:
    """The comparison group over the chosen weeks, pooled (see NOT_CONTACTED)."""
    if not weeks:
        return NotContacted()
    chosen = sorted(set(weeks))
    base = datetime.combine(chosen[0], time(), tzinfo=UTC)
    params = {
        "chosen": chosen,
        "days": reply_days,
        "spread": reply_days // 7 + 1,
        "window": timedelta(days=reply_days),
        "now": now,
        "base": base,
        "last": datetime.combine(chosen[-1], time(), tzinfo=UTC) + timedelta(weeks=1),
    }
    with conn.transaction():
        # A few thousand rows: compiling the plan (JIT) would cost more than running it.
        conn.execute("SET LOCAL jit = off")
        conn.execute("SET LOCAL work_mem = '32MB'")  # the year's pairs hashed in memory
        # Planned for these weeks each time: a prepared, generic plan misjudges them (and
        # took 2.5 times as long at 1M members).
        row = conn.execute(NOT_CONTACTED, params, prepare=False).fetchone()
    assert row is not None
    cases, returned, pending = (int(value) for value in row)
    return NotContacted(cases - pending, returned, pending)
