"""A page's stage changes, moved in the 'stage' rollup without a round trip per change."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any
from uuid import UUID

from psycopg import Cursor

from projections.health.page_rows import as_json
from projections.health.periods import DAY
from projections.health.rollups import Rollups, stage_bucket
from projections.health.statements import STAGE_MOVES

# A member's week or month row: (granularity, channel, period).
RowKey = tuple[str, str, date]


class StageMoves:
    """A member's active periods follow their stage: the rows written since the page last
    saved move at once, in memory; the stored ones in one statement when it next saves."""

    def __init__(self) -> None:
        self.unsaved: dict[UUID, set[RowKey]] = defaultdict(set)
        self.pending: list[dict[str, Any]] = []

    def created(self, member_id: UUID, granularity: str, channel: str, period: date) -> None:
        """A member's row the page created (its stage bucket is the member's stage now)."""
        if granularity != DAY:
            self.unsaved[member_id].add((granularity, channel, period))

    def move(self, rollups: Rollups, member_id: UUID, old: str, new: str, day: date) -> None:
        """A counted member's rows from one stage to another, on `day`."""
        before, after = stage_bucket(old), stage_bucket(new)
        if before == after:
            return
        for granularity, channel, period in self.unsaved.get(member_id, ()):
            rollups.move(granularity, channel, period, "stage", before, after, day)
        self.pending.append({"m": member_id, "b": before, "a": after, "d": day})

    def flush(self, cursor: Cursor[Any], rollups: Rollups) -> None:
        """The stored rows' moves, summed per bucket: run before the page's rows are saved,
        so the table holds exactly the rows each pending change found."""
        if self.pending:
            for granularity, channel, period, bucket, day, n in cursor.execute(
                STAGE_MOVES, (as_json(self.pending),)
            ):
                rollups.add(granularity, channel, period, "stage", bucket, day, n)
            self.pending.clear()
        self.unsaved.clear()
