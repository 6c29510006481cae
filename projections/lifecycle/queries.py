"""Reads for lifecycle stages: who is at risk now or at an instant, and each member's stages."""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from domain.lifecycle.stages import Stage
from projections.cursors import Keyset, Page
from projections.lifecycle.at_risk_changes import AtRiskChange, at_risk_changes

AT_RISK_KEYS = Keyset("at_risk", itemgetter("score_at_change"), "member_id", float)


class LifecycleQueries:
    """SQL over the engagement and lifecycle read tables."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def recorded(self, member_ids: list[UUID]) -> dict[UUID, tuple[Stage, datetime]]:
        """The current stage and its start of those of these members who have one."""
        rows = self._rows(
            "SELECT member_id, stage, since FROM member_stages WHERE member_id = ANY(%s)",
            [member_ids],
        )
        return {row["member_id"]: (Stage(row["stage"]), row["since"]) for row in rows}

    def at_risk(
        self,
        as_of: datetime | None,
        after: str | None,
        limit: int,
        *,
        channel: str | None = None,
        tag: str | None = None,
    ) -> Page:
        """Members at risk now (or at a past instant, from the history), by what they weighed."""
        conditions = ["s.stage = 'at_risk'"]
        params: list[Any] = []
        if as_of is None:
            source = "member_stages s"
            since = "s.since"
        else:
            source = "member_stage_history s"
            since = "s.effective_at"
            conditions.append("s.effective_at <= %s AND (s.until IS NULL OR s.until > %s)")
            params += [as_of, as_of]
        if channel is not None:
            conditions.append("m.channels @> ARRAY[%s]::text[]")
            params.append(channel)
        if tag is not None:
            conditions.append("m.tags @> ARRAY[%s]::text[]")
            params.append(tag)
        if after is not None:
            score, member_id = AT_RISK_KEYS.decode(after)
            conditions.append("(s.score_at_change, s.member_id) < (%s, %s)")
            params += [score, member_id]
        query = (
            f"SELECT s.member_id, s.score_at_change, s.reason, s.rule_version, s.evidence,"
            f" {since} AS since, ARRAY(SELECT c.channel FROM member_channel_engagement c"
            " WHERE c.member_id = s.member_id ORDER BY c.rank_key DESC) AS active_channels"
            f" FROM {source} JOIN members m USING (member_id)"
            f" WHERE {' AND '.join(conditions)}"
            " ORDER BY s.score_at_change DESC, s.member_id DESC LIMIT %s"
        )
        return AT_RISK_KEYS.page(self._rows(query, [*params, limit + 1]), limit)

    def quiet(self, member_ids: list[UUID]) -> list[UUID]:
        """Those of these members who are at risk or inactive now."""
        rows = self._rows(
            "SELECT member_id FROM member_stages"
            " WHERE member_id = ANY(%s) AND stage IN ('at_risk', 'inactive')",
            [member_ids],
        )
        return [row["member_id"] for row in rows]

    def at_risk_changes(self, after: int, until: int) -> list[AtRiskChange]:
        """Entries to and exits from the at-risk list in a span of the log (live updates)."""
        return at_risk_changes(self.pool, after, until)

    def stage_history(self, member_id: UUID) -> list[dict[str, Any]]:
        """The member's stages, oldest first, each with its interval."""
        return self._rows(
            "SELECT * FROM member_stage_history WHERE member_id = %s ORDER BY version",
            [member_id],
        )

    def _rows(self, query: str, params: Any) -> list[dict[str, Any]]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)  # fragments are constants: no caller input in the SQL
            return cur.fetchall()
