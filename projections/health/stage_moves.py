"""A page's stage changes, moved in the 'stage' rollup without a round trip per change."""

from __future__ import annotations

from collections import Counter, defaultdict
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
        # Net moves of stored rows per member, bucket and day: a member's changes in one
        # page (an evaluation records several per member) sum before any row is read.
        self.pending: Counter[tuple[UUID, int, date]] = Counter()

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
        self.pending[(member_id, before, day)] -= 1
        self.pending[(member_id, after, day)] += 1

    def flush(self, cursor: Cursor[Any], rollups: Rollups) -> None:
        """The stored rows' moves, summed per bucket: run before the page's rows are saved,
        so the table holds exactly the rows each pending change found."""
        # Net zero moves stay: their rows are written (as zero deltas) whatever the page size.
        moves = [{"m": m, "k": k, "n": n, "d": d} for (m, k, d), n in self.pending.items()]
        if moves:
            for granularity, channel, period, bucket, day, n in cursor.execute(
                STAGE_MOVES, (as_json(moves),)
            ):
                rollups.add(granularity, channel, period, "stage", bucket, day, n)
        self.pending.clear()
        self.unsaved.clear()
