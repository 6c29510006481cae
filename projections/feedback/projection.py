"""The `feedback` projection: items with counts across duplicate groups, and their history.

A page is applied set-based: its items are loaded once, its events folded into them in
log order (projections/feedback/fold.py), and the result written with a few statements;
the counts of every group the page touched are then recomputed from the stored supports,
so that unmarking a duplicate restores both items exactly; items that arrive, are first
answered or triaged move between the rows of the response-time histogram. Each row keeps
the notification id of the last event that changed it (`position`): the change feed reads
rows in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.members.member import Member
from projections.feedback.fold import FEEDBACK_EVENTS, PageFold
from projections.feedback.histogram import move_items, moves, placement, placements
from projections.feedback.writes import (
    erase_authors,
    load_items,
    recount,
    write_history,
    write_items,
    write_loops,
    write_supports,
)
from projections.projection import SealingProjection, notification_ids


class FeedbackProjection(SealingProjection):
    """Feedback items for lists, search, reports, the change feed and exports."""

    name: ClassVar[str] = "feedback"
    # GraphQL subscriptions follow it (api/live.py).
    announced: ClassVar[bool] = True
    tables: ClassVar[tuple[str, ...]] = (
        "feedback_items",
        "feedback_supports",
        "feedback_history",
        "feedback_loops",
        "feedback_terms",
        "feedback_response_histogram",
        "feedback_response_rollup",
    )
    topics: ClassVar[frozenset[str]] = frozenset(
        {Member.Erased.TOPIC, *(kind.TOPIC for kind in FEEDBACK_EVENTS)}
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Fold the page into its items, write them, recount their groups, then erasures."""
        if not events:
            return
        personal = self.personal
        positions = notification_ids(events)
        # The recount's estimates run high on a growing table: compiling it (JIT) would
        # cost a second a page, far more than running it.
        cursor.execute("SET LOCAL jit = off")
        feedback = [(e, p) for e, p in zip(events, positions, strict=True) if _is_feedback(e)]
        if feedback:
            named = {e.originator_id for e, _ in feedback}
            named |= {e.canonical_id for e, _ in feedback if hasattr(e, "canonical_id")}
            loaded = load_items(cursor, named)
            before = placements(loaded)  # the fold changes the loaded rows in place
            fold = PageFold(loaded)
            for event, position in feedback:
                fold.apply(event, position)
            write_items(cursor, fold, personal)
            write_supports(cursor, fold.supports)
            write_loops(cursor, fold.loops)
            write_history(cursor, fold.history)
            recount(cursor, fold.groups)
            move_items(cursor, moves(before, ((i, placement(fold.items[i])) for i in fold.dirty)))
        erasures = [
            (e.originator_id, p, e.timestamp)
            for e, p in zip(events, positions, strict=True)
            if type(e) is Member.Erased
        ]
        erase_authors(cursor, erasures)


def _is_feedback(event: Any) -> bool:
    return type(event) in FEEDBACK_EVENTS
