"""How engaged the members behind an item are: their stage and score, read in one query.

Supporters are shown with their engagement level (never their e-mails or handles), so
that the product team weighs who asks. The level comes from the lifecycle and engagement
read models as they stand; this module only reads their tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

LEVELS = """
SELECT m.member_id, s.stage, e.rank_key
FROM unnest(%s::uuid[]) AS m(member_id)
LEFT JOIN member_stages s USING (member_id)
LEFT JOIN member_engagement e USING (member_id)
"""


@dataclass(frozen=True)
class EngagementLevel:
    """A member's current lifecycle stage and rank key (the score undecayed to an epoch)."""

    stage: str | None
    rank_key: float | None


class EngagementLevels:
    """Engagement levels of members, for feedback's supporters."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool

    def of(self, member_ids: Sequence[UUID]) -> dict[UUID, EngagementLevel]:
        """Each member's level; members never evaluated nor active have None in both."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(LEVELS, [list(member_ids)])
            return {
                r["member_id"]: EngagementLevel(r["stage"], r["rank_key"]) for r in cur.fetchall()
            }
