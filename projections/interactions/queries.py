"""Reads over the `engagement` projection: top members, a member's score, rank and activity."""

from __future__ import annotations

from datetime import date, datetime
from operator import itemgetter
from typing import Any
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.cursors import (
    Keyset,
    Page,
    Row,
)
from projections.personal import CONTENT, PersonalData, open_value

TOP = """
SELECT member_id, rank_key FROM member_engagement
WHERE ranked AND rank_key > '-Infinity' {after}
ORDER BY rank_key DESC, member_id DESC LIMIT %s
"""
TOP_ON_CHANNEL = """
SELECT c.member_id, c.rank_key FROM member_channel_engagement c
JOIN member_engagement e USING (member_id)
WHERE c.channel = %s AND e.ranked {after}
ORDER BY c.rank_key DESC, c.member_id DESC LIMIT %s
"""
# Members of the buckets above the key's, plus those above the key within its bucket (an
# index range scan), plus one; migration 0012 explains the buckets.
RANK = """
SELECT ((SELECT coalesce(sum(members), 0) FROM member_rank_buckets
        WHERE bucket > crm_rank_bucket(%(key)s))
    + (SELECT count(*) FROM member_engagement WHERE ranked AND rank_key > %(key)s
        AND rank_key < (crm_rank_bucket(%(key)s) + 1) / 16.0::float8) + 1)::bigint AS rank,
    (SELECT coalesce(sum(members), 0) FROM member_rank_buckets)::bigint AS ranked
"""
INTERACTIONS = """
SELECT * FROM member_interactions WHERE member_id = %(member)s {after}
ORDER BY occurred_at DESC, interaction_id DESC LIMIT %(limit)s
"""
# A person's interactions with those of the members merged into it: each row keeps the
# member whose identity it came through (its content sealed under that member's key).
PERSON_INTERACTIONS = """
SELECT * FROM member_interactions WHERE member_id = ANY(%(members)s) {after}
ORDER BY occurred_at DESC, interaction_id DESC LIMIT %(limit)s
"""
MERGED_INTO = "SELECT member_id FROM member_engagement WHERE merged_into = %s"
TOP_KEYS = Keyset("top", itemgetter("rank_key"), "member_id", float)
INTERACTION_KEYS = Keyset("interactions", itemgetter("occurred_at"), "interaction_id", datetime)


class EngagementQueries:
    """SQL over the engagement read tables; no query here reads the event log."""

    def __init__(self, pool: ConnectionPool, personal: PersonalData) -> None:
        self.pool = pool
        self.personal = personal

    def top_members(self, channel: str | None, after: str | None, limit: int) -> Page:
        """Ranked members by current score (overall, or on one channel), keyset-paged."""
        params: list[Any] = [] if channel is None else [channel]
        prefix = "" if channel is None else "c."
        condition = ""
        if after is not None:
            key, member_id = TOP_KEYS.decode(after)
            condition = f"AND ({prefix}rank_key, {prefix}member_id) < (%s, %s)"
            params += [key, member_id]
        query = (TOP if channel is None else TOP_ON_CHANNEL).format(after=condition)
        return TOP_KEYS.page(self._rows(query, [*params, limit + 1]), limit)

    def interaction(self, interaction_id: UUID, reveal: bool) -> Row | None:
        """One projected interaction; url and summary in clear only with `reveal`."""
        found = self._rows(
            "SELECT * FROM member_interactions WHERE interaction_id = %s", (interaction_id,)
        )
        self._open(found, reveal)
        return found[0] if found else None

    def position_in_ranking(self, channel: str | None, rank_key: float, member_id: UUID) -> int:
        """1-based place of a ranked member in the overall or channel ranking."""
        if channel is None:
            query = (
                "SELECT count(*) FROM member_engagement WHERE ranked"
                " AND (rank_key, member_id) > (%s, %s)"
            )
            params: list[Any] = [rank_key, member_id]
        else:
            query = (
                "SELECT count(*) FROM member_channel_engagement c JOIN member_engagement e"
                " USING (member_id) WHERE c.channel = %s AND e.ranked"
                " AND (c.rank_key, c.member_id) > (%s, %s)"
            )
            params = [channel, rank_key, member_id]
        return int(self._rows(query, params)[0]["count"]) + 1

    def engagement(self, member_id: UUID) -> Row | None:
        """The member's engagement row, with rank and the number of ranked members."""
        found = self._rows("SELECT * FROM member_engagement WHERE member_id = %s", (member_id,))
        if not found:
            return None
        row = found[0]
        if row["ranked"] and row["rank_key"] != float("-inf"):
            row.update(self._rows(RANK, {"key": row["rank_key"]})[0])
        else:
            row.update(rank=None, ranked=None)
        return row

    def weekly_activity(self, member_id: UUID, since: date) -> list[Row]:
        """Interactions and weight per week and channel, oldest week first."""
        return self._rows(
            "SELECT week, channel, interactions, weight FROM member_activity_weeks"
            " WHERE member_id = %s AND week >= %s ORDER BY week, channel",
            (member_id, since),
        )

    def community_weeks(self, since: date) -> list[Row]:
        """Interactions of all members per week since a Monday, oldest first (the dashboard)."""
        return self._rows(
            "SELECT week, sum(interactions)::bigint AS interactions FROM member_activity_weeks"
            " WHERE week >= %s GROUP BY week ORDER BY week",
            (since,),
        )

    def interactions(self, member_id: UUID, after: str | None, limit: int, reveal: bool) -> Page:
        """The member's interactions, newest first, keyset-paged; opened with `reveal`."""
        params: dict[str, Any] = {"member": member_id, "limit": limit + 1}
        condition = ""
        if after is not None:
            params["moment"], params["id"] = INTERACTION_KEYS.decode(after)
            condition = "AND (occurred_at, interaction_id) < (%(moment)s, %(id)s)"
        merged = [row["member_id"] for row in self._rows(MERGED_INTO, (member_id,))]
        # Most members hold none: one ordered index range, as before any merge.
        query = PERSON_INTERACTIONS if merged else INTERACTIONS
        params["members"] = [member_id, *merged]
        rows = self._rows(query.format(after=condition), params)
        page = INTERACTION_KEYS.page(rows, limit)
        self._open(page.rows, reveal)
        return page

    def _open(self, rows: list[Row], reveal: bool) -> None:
        """url and summary in clear (one key query) for `reveal`, else null, in place."""
        sealed = [r for r in rows if r.get("sealed_content") is not None] if reveal else []
        keys = self.personal.reader_keys(r["member_id"] for r in sealed) if sealed else {}
        for row in rows:
            content = None
            if reveal:
                content = open_value(
                    keys.get(row["member_id"]),
                    row.get("sealed_content"),
                    CONTENT,
                    row["interaction_id"],
                )
            row.pop("sealed_content", None)
            row["url"] = content["url"] if content else None
            row["summary"] = content["summary"] if content else None

    def _rows(self, query: str, params: Any) -> list[Row]:
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)  # fragments are constants: no caller input in the SQL
            return cur.fetchall()
