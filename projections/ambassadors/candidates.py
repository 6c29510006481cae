"""Reads of the candidacy runs: the candidate list of a run, best first, and the run itself.

The current list is the latest run of the configured rule version; with asOf, the latest
run evaluated at or before asOf. A page is one range of ambassador_candidates_rank_idx.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

import orjson
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool

from projections.cursors import Keyset, Page

CANDIDATE_KEYS = Keyset("candidates", itemgetter("score"), "member_id", float)

# Marketing e-mail consent holds now (the contract's definition): shown, never a gate. The
# latest event per (member, purpose) is the one row: a primary-key probe per listed row.
MARKETING_CONSENT = """coalesce((
    SELECT mc.given AND (mc.expires_at IS NULL OR mc.expires_at > %(now)s)
    FROM member_consents mc WHERE mc.member_id = c.member_id
    AND mc.purpose = 'marketing_email'), false)"""
# The current list leaves out who joined the program since the run (nominated from it);
# an erased member never shows. Scalar subqueries: one primary-key probe per row the index
# scan yields, where an anti-join may be planned as a scan of a million members.
STILL_CANDIDATE = """coalesce((SELECT a.status FROM ambassadors a WHERE a.member_id = c.member_id),
    '') NOT IN ('nominated', 'active', 'paused')"""
# A member merged into another is listed as that person (the merge's target), never twice.
NOT_ERASED = """coalesce((SELECT m.status FROM members m WHERE m.member_id = c.member_id),
    '') NOT IN ('erased', 'merged')"""


@dataclass(frozen=True)
class CandidacyRun:
    """One recorded run: when, under which rule, how many members examined and listed."""

    rule_version: str
    evaluated_at: datetime
    examined: int
    candidates: int
    rule: dict[str, Any]


@dataclass(frozen=True)
class CandidateFilter:
    """Which candidates of a run to list."""

    channel: str | None = None
    min_score: float | None = None


class CandidateQueries:
    """SQL over ambassador_candidacy_runs and ambassador_candidates."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def run(self, rule_version: str, as_of: datetime | None = None) -> CandidacyRun | None:
        """The latest run of the version (at or before as_of when given)."""
        rows = self._rows(
            "SELECT rule_version, evaluated_at, examined, candidates, rule"
            " FROM ambassador_candidacy_runs WHERE rule_version = %(version)s"
            " AND (%(as_of)s::timestamptz IS NULL OR evaluated_at <= %(as_of)s)"
            " ORDER BY evaluated_at DESC LIMIT 1",
            {"version": rule_version, "as_of": as_of},
        )
        return CandidacyRun(**rows[0]) if rows else None

    def candidates(
        self,
        run: CandidacyRun,
        where: CandidateFilter,
        after: str | None,
        limit: int,
        *,
        now: datetime,
        current: bool,
    ) -> Page:
        """A page of the run's candidates, best score first (then member id)."""
        conditions = ["c.rule_version = %(version)s", "c.evaluated_at = %(at)s", NOT_ERASED]
        params: dict[str, Any] = {
            "version": run.rule_version,
            "at": run.evaluated_at,
            "now": now,
            "limit": limit + 1,
        }
        if current:
            conditions.append(STILL_CANDIDATE)
        if where.channel is not None:
            conditions.append("c.channels @> ARRAY[%(channel)s]::text[]")
            params["channel"] = where.channel
        if where.min_score is not None:
            conditions.append("c.score >= %(min_score)s")
            params["min_score"] = where.min_score
        if after is not None:
            score, member_id = CANDIDATE_KEYS.decode(after)
            conditions.append(
                "c.score <= %(score)s AND (c.score < %(score)s OR c.member_id > %(member)s)"
            )
            params.update(score=score, member=member_id)
        query = (
            "SELECT c.member_id, c.rule_version, c.evaluated_at, c.score, c.factors,"
            " c.candidate_since, c.channels,"
            f" {MARKETING_CONSENT} AS marketing_consent"
            f" FROM ambassador_candidates c WHERE {' AND '.join(conditions)}"
            " ORDER BY c.score DESC, c.member_id LIMIT %(limit)s"
        )
        return CANDIDATE_KEYS.page(self._rows(query, params), limit)

    def marketing_consent(self, member_ids: list[UUID], now: datetime) -> set[UUID]:
        """Those of these members whose marketing e-mail consent holds at `now`."""
        rows = self._rows(
            "SELECT c.member_id FROM unnest(%(ids)s::uuid[]) AS c(member_id)"
            f" WHERE {MARKETING_CONSENT}",
            {"ids": member_ids, "now": now},
        )
        return {row["member_id"] for row in rows}

    def _rows(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            # A page's factors are 50 JSON documents of 1 KB: orjson reads them 4x faster.
            set_json_loads(orjson.loads, cur)
            cur.execute(query, params)  # fragments are constants: no caller input in the SQL
            return cur.fetchall()
