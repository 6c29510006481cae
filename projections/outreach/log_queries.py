"""Reads over the outreach log: the facts each outcome derives from, the recovery
comparison group, and the log a page at a time (notes opened for the roles allowed).

Facts come from the interactions and lifecycle read models as they are: a member's first
interaction in the reply window, their stage at the outreach, and their first move to
active or returning in the window (domain/outreach/outcomes.py decides from them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.outreach.effectiveness import NotContacted
from domain.outreach.outcomes import RETURNED_STAGES, OutreachFacts
from projections.cursors import Keyset, Page, Row
from projections.outreach.log import NOTE
from projections.personal import Keys, PersonalData, open_value

KEYSET = Keyset("outreach", itemgetter("at"), "outreach_id", datetime)
_RETURNED = list(RETURNED_STAGES)
# Per outreach: its window's first interaction (a reaction received is not the member's
# doing), the stage at the outreach, and the first return to active in the window.
FACTS = """
SELECT o.outreach_id, o.member_id, o.staff_id, o.channel, o.purpose, o.at,
    r.first_reply_at, s.stage AS stage_at_contact, s.returned_at
FROM outreach_log o
LEFT JOIN LATERAL (
    SELECT i.occurred_at AS first_reply_at FROM member_interactions i
    WHERE i.member_id = o.member_id AND i.occurred_at > o.at
        AND i.occurred_at <= o.at + %(window)s AND i.kind <> 'reaction_received'
    ORDER BY i.occurred_at LIMIT 1
) r ON true
-- The stage at the outreach and the first return after it, in one read of the member's
-- few stage rows.
LEFT JOIN LATERAL (
    SELECT (array_agg(h.stage ORDER BY h.effective_at DESC, h.version DESC)
                FILTER (WHERE h.effective_at <= o.at))[1] AS stage,
        min(h.effective_at) FILTER (WHERE h.effective_at > o.at
            AND h.effective_at <= o.at + %(window)s AND h.stage = ANY(%(returned)s))
            AS returned_at
    FROM member_stage_history h WHERE h.member_id = o.member_id
) s ON true
WHERE {where}
"""
# The comparison group (domain/outreach/effectiveness.py): member-weeks of the chosen weeks
# in which a member was at risk and reached by no outreach in the week or the reply window
# before it. Anchor: the later of the week's start and the entry into risk; returned when
# the stage that ended the risk is active or returning, within the window after the anchor;
# pending while anchor + window is not past.
#
# Counted two ways that give the same figures. Members reached by no outreach at all around
# the span (nearly all): per at-risk interval, with arithmetic on week ordinals (counts of
# chosen weeks in ranges, outreach_weeks_in), never one row per week. Members reached by
# some outreach (few): one row per (interval, chosen week), each tested on its own.
# Materialized, so that the stage ending each interval is found by one hash join (the
# planner misjudges how many intervals overlap a span, and would probe once per interval).
_SPANS = """
risky AS MATERIALIZED (
    SELECT member_id, effective_at AS s, until AS u FROM member_stage_history
    WHERE stage = 'at_risk'
        AND tstzrange(effective_at, until) && tstzrange(%(base)s, %(last)s)
), endings AS MATERIALIZED (
    SELECT member_id, effective_at, stage FROM member_stage_history
    WHERE previous = 'at_risk' AND effective_at >= %(base)s
), spans AS MATERIALIZED (
    SELECT r.member_id, r.s, r.u, coalesce(bool_or(n.stage = ANY(%(returned)s)), false) AS back
    FROM risky r
    LEFT JOIN endings n ON n.member_id = r.member_id AND n.effective_at = r.u
    GROUP BY r.member_id, r.s, r.u
), touched AS MATERIALIZED (
    SELECT DISTINCT member_id FROM outreach_log
    WHERE at >= %(base)s - %(window)s AND at < %(last)s
)"""
NOT_CONTACTED = f"""
WITH {_SPANS}, plain AS (
    SELECT s, u, back,
        floor(date_part('epoch', s - %(base)s) / 604800)::int AS a,
        CASE WHEN u IS NULL THEN %(weeks)s
             ELSE ceil(date_part('epoch', u - %(base)s) / 604800)::int - 1 END AS b,
        ceil(date_part('epoch', u - %(window)s - %(base)s) / 604800)::int AS c
    FROM spans WHERE NOT EXISTS (SELECT 1 FROM touched t WHERE t.member_id = spans.member_id)
), counted AS (
    SELECT outreach_weeks_in(%(prefix)s, a, a) AS first,
        back AND u <= s + %(window)s AS first_back,
        s + %(window)s >= %(now)s AS first_open,
        outreach_weeks_in(%(prefix)s, a + 1, b) AS rest,
        CASE WHEN back THEN outreach_weeks_in(%(prefix)s, greatest(a + 1, c), b) ELSE 0 END
            AS rest_back,
        outreach_weeks_in(%(prefix)s, greatest(a + 1, %(open_from)s), b)
            - CASE WHEN back
                THEN outreach_weeks_in(%(prefix)s, greatest(a + 1, %(open_from)s, c), b)
                ELSE 0 END AS rest_open
    FROM plain
), touched_spans AS MATERIALIZED (
    SELECT sp.* FROM spans sp WHERE sp.member_id IN (SELECT member_id FROM touched)
), pairs AS (
    SELECT greatest(w.starts, sp.s) AS anchor, sp.u, sp.back
    FROM touched_spans sp
    -- The weeks the span overlaps, from the week it began, within the span compared.
    CROSS JOIN LATERAL generate_series(
        greatest(date_bin('7 days', sp.s, %(base)s), %(base)s),
        least(coalesce(sp.u, %(last)s), %(last)s) - interval '1 microsecond',
        interval '7 days') AS w(starts)
    WHERE (w.starts AT TIME ZONE 'UTC')::date = ANY(%(chosen)s::date[]) AND NOT EXISTS (
        SELECT 1 FROM outreach_log o WHERE o.member_id = sp.member_id
            AND o.at >= w.starts - %(window)s AND o.at < w.starts + interval '7 days')
)
SELECT
    coalesce((SELECT sum(first + rest) FROM counted), 0)
        + (SELECT count(*) FROM pairs) AS cases,
    coalesce((SELECT sum(CASE WHEN first_back THEN first ELSE 0 END + rest_back)
              FROM counted), 0)
        + (SELECT count(*) FROM pairs WHERE back AND u <= anchor + %(window)s) AS returned,
    coalesce((SELECT sum(CASE WHEN NOT first_back AND first_open THEN first ELSE 0 END
                         + rest_open) FROM counted), 0)
        + (SELECT count(*) FROM pairs WHERE NOT (back AND u <= anchor + %(window)s)
            AND anchor + %(window)s >= %(now)s) AS pending
"""


class OutreachLogQueries:
    """SQL over the outreach log and the read models its outcomes derive from."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def facts(
        self, start: datetime, end: datetime, reply_days: int
    ) -> list[tuple[dict[str, Any], OutreachFacts]]:
        """Every outreach made in [start, end) with the facts of its window."""
        rows = self._rows(
            FACTS.format(where="o.at >= %(start)s AND o.at < %(end)s"),
            {**self._window(reply_days), "start": start, "end": end},
        )
        return [(row, facts_of(row)) for row in rows]

    def facts_of(self, outreach_ids: Sequence[UUID], reply_days: int) -> dict[UUID, OutreachFacts]:
        """The facts of these outreaches, by id."""
        rows = self._rows(
            FACTS.format(where="o.outreach_id = ANY(%(ids)s)"),
            {**self._window(reply_days), "ids": list(outreach_ids)},
        )
        return {row["outreach_id"]: facts_of(row) for row in rows}

    def not_contacted(self, weeks: Sequence[date], reply_days: int, now: datetime) -> NotContacted:
        """The comparison group over the chosen weeks, pooled (see NOT_CONTACTED)."""
        if not weeks:
            return NotContacted()
        chosen = sorted(set(weeks))
        base = datetime.combine(chosen[0], time(), tzinfo=UTC)
        ordinals = {(w - chosen[0]).days // 7 for w in chosen}
        last = max(ordinals)
        prefix = [0]
        for i in range(last + 1):
            prefix.append(prefix[-1] + (i in ordinals))
        window = timedelta(days=reply_days)
        open_from = math.ceil((now - window - base) / timedelta(weeks=1))
        params = {
            **self._window(reply_days),
            "base": base,
            "last": base + timedelta(weeks=last + 1),
            "weeks": last,
            "prefix": prefix,
            "open_from": open_from,
            "chosen": chosen,
            "now": now,
        }
        with (
            self.pool.connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=dict_row) as cur,
        ):
            # The year's at-risk intervals and their endings are joined in memory, not
            # sorted on disk (the default 4MB spills at 1M members).
            cur.execute("SET LOCAL work_mem = '64MB'")
            cur.execute(NOT_CONTACTED, params)
            row = cur.fetchone()
        assert row is not None
        cases, returned, pending = (int(row[k]) for k in ("cases", "returned", "pending"))
        return NotContacted(cases - pending, returned, pending)

    def page(self, member_id: UUID | None, first: int, after: str | None, reveal: bool) -> Page:
        """The log newest first (one member's, or everyone's), notes opened for `reveal`."""
        conditions, params = ["true"], []
        if member_id is not None:
            conditions.append("member_id = %s")
            params.append(member_id)
        if after:
            at, outreach_id = KEYSET.decode(after)
            conditions.append("(at, outreach_id) < (%s, %s)")
            params += [at, outreach_id]
        query = (
            f"SELECT * FROM outreach_log WHERE {' AND '.join(conditions)}"
            " ORDER BY at DESC, outreach_id DESC LIMIT %s"
        )
        page = KEYSET.page(self._rows(query, [*params, first + 1]), first)
        self.open_notes(page.rows, reveal)
        return page

    def by_id(self, outreach_id: UUID, reveal: bool) -> Row | None:
        """One outreach, its note opened for `reveal`; None when the read model lacks it."""
        rows = self._rows("SELECT * FROM outreach_log WHERE outreach_id = %s", (outreach_id,))
        self.open_notes(rows, reveal)
        return rows[0] if rows else None

    def open_notes(self, rows: list[Row], reveal: bool) -> None:
        """Each row's note in clear for `reveal` (one key query), else None, in place."""
        sealed = [r for r in rows if r["sealed_note"] is not None] if reveal else []
        keys: Keys = self.personal.reader_keys(r["member_id"] for r in sealed) if sealed else {}
        for row in rows:
            value = row.pop("sealed_note")
            key = keys.get(row["member_id"]) if reveal else None
            row["note"] = open_value(key, value, NOTE, row["outreach_id"])

    @staticmethod
    def _window(reply_days: int) -> dict[str, Any]:
        return {"window": timedelta(days=reply_days), "returned": _RETURNED}

    def _rows(self, query: Any, params: Any = ()) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return cur.fetchall()


def facts_of(row: Row) -> OutreachFacts:
    """The outcome facts of a FACTS row."""
    return OutreachFacts(
        at=row["at"],
        first_reply_at=row["first_reply_at"],
        stage_at_contact=row["stage_at_contact"],
        returned_at=row["returned_at"],
    )
