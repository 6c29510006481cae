"""The `health` projection: per-member periods and recorded-day deltas the health KPIs sum."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from psycopg import Cursor

from domain.feedback.events import Submitted as FeedbackSubmitted
from domain.interactions.interaction import Interaction
from projections.health.page import FLAGS, MEMBERSHIP, STAGES, Page
from projections.health.persons import MERGE_EVENTS, regroup
from projections.health.replay import READ_MODEL, STAGING, replay_staged
from projections.health.replay_persons import stage_regroup
from projections.health.replay_plain import stage_plain
from projections.health.replay_staging import ReplayStaging, reserve
from projections.merge_runs import runs_between
from projections.plain_events import LogSpan, spans_between
from projections.projection import Projection, notification_ids


class HealthProjection(Projection):
    """Active, new and interaction counts per period, as known on each recorded day."""

    name: ClassVar[str] = "health"
    tables: ClassVar[tuple[str, ...]] = (*READ_MODEL, *STAGING)
    # A rebuild stages the log (nothing to strip: the staging tables have no index) and
    # fills every table set-based at the end (projections/health/replay.py).
    replay_tables: ClassVar[tuple[str, ...]] = ("health_replay_interactions",)
    plain_topics: ClassVar[frozenset[str]] = frozenset({Interaction.Recorded.TOPIC})
    topics: ClassVar[frozenset[str]] = frozenset(
        {
            Interaction.Recorded.TOPIC,
            FeedbackSubmitted.TOPIC,
            *(kind.TOPIC for kind in (*FLAGS, *MEMBERSHIP, *STAGES, *MERGE_EVENTS)),
        }
    )

    def apply(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Apply the page in log order; rows are read once and written once per page.

        A merge or unmerge (rare) cuts the page: what comes before it is applied first.
        """
        for run, merge in runs_between(events, MERGE_EVENTS):
            Page(cursor, run).apply()
            if merge is not None:
                regroup(cursor, merge)

    def apply_replay(self, cursor: Cursor[Any], events: Sequence[Any]) -> None:
        """Stage the page's interactions and member changes (COPY): nothing is summed yet."""
        if events:
            ids = notification_ids(events)
            self._stage(cursor, events, LogSpan(ids[0] - 1, ids[-1]), plain=False)

    def apply_replay_span(self, cursor: Cursor[Any], events: Sequence[Any], span: LogSpan) -> None:
        """Stage the span's plain interactions in SQL, beside the other events."""
        self._stage(cursor, events, span, plain=True)

    def _stage(
        self, cursor: Cursor[Any], events: Sequence[Any], span: LogSpan, *, plain: bool
    ) -> None:
        """Each run between merges, then the merge; every row at its log-order number."""
        offset = reserve(cursor, span)
        for part, run, merge in spans_between(events, span, MERGE_EVENTS):
            if plain:
                stage_plain(cursor, part, offset, run)
            ReplayStaging(cursor).stage(run, [n + offset for n in run.notification_ids])
            if merge is not None:
                stage_regroup(cursor, merge, part.upto + offset)

    def finish_replay(self, cursor: Cursor[Any]) -> None:
        """Every health table from the staged log, in a few set-based statements."""
        replay_staged(cursor)
