"""The stage evaluation: judge every counted member at an instant, record what changed.

Run by `crm evaluate [--as-of DATE]` and on a schedule by `crm worker`. Members whose
read-model stage already matches the rule are skipped cheaply; the others are judged by
the application from their own events. Running it twice changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from application.clock import Clock, utc_now
from application.lifecycle.ports import (
    CatchUp,
    MemberActivities,
    MemberActivityRow,
    StageRecorder,
)
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.stages import StageRule, assess

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

PAGE = 1_000
WEEK = timedelta(days=7)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvaluationReport:
    """What an evaluation looked at and changed."""

    at: datetime
    examined: int
    changed: int
    rule_version: str


class StageEvaluation:
    """Judges every counted member at an instant and records the stages that changed.

    Reads candidates from the lifecycle read model, then has the application judge each
    from its own events; `rule` and `engagement` are the configured rules.
    """

    def __init__(
        self,
        community: StageRecorder,
        activities: MemberActivities,
        *,
        rule: StageRule,
        engagement: EngagementRule,
        clock: Clock = utc_now,
    ) -> None:
        self.community = community
        self.activities = activities
        self.rule = rule
        self.engagement = engagement
        self.clock = clock

    def evaluate(
        self,
        at: datetime,
        *,
        rule: StageRule | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> EvaluationReport:
        """Evaluate every counted member at `at`, a page at a time (the configured rule by default).

        MomentTooEarly or MomentInTheFuture (field as_of) when `at` is outside the accepted span.
        """
        self.community.bounds.check("as_of", at, self.clock())
        rule = rule or self.rule
        examined = changed = 0
        after = UUID(int=0)
        while page := self.activities.activities(rule, self.engagement, at, after, PAGE):
            changed += self._judge(page, rule, at)
            examined += len(page)
            after = page[-1].member_id
            if progress:
                progress(len(page))
        return EvaluationReport(at, examined, changed, rule.version)

    def weekly(
        self,
        catch_up: CatchUp,
        start: datetime,
        end: datetime,
        *,
        progress: Callable[[datetime], None] | None = None,
    ) -> list[EvaluationReport]:
        """Evaluate as of each week from `start`, in order, then at `end`.

        This records the stage history a weekly `crm evaluate` would have left over that
        period (stages only move forward, so the order matters). Each evaluation reads the
        stages the previous one recorded, so the projections catch up in between.
        """
        reports = []
        at = start
        while at < end:
            catch_up()
            reports.append(self.evaluate(at))
            if progress:
                progress(at)
            at += WEEK
        catch_up()
        reports.append(self.evaluate(end))
        catch_up()
        return reports

    def _judge(self, page: Sequence[MemberActivityRow], rule: StageRule, at: datetime) -> int:
        # Members whose read-model stage already matches the rule are skipped cheaply.
        candidates = [
            (row.member_id, row.activity)
            for row in page
            if assess(rule, row.activity, at=at, current=row.stage, since=row.since).stage
            is not row.stage
        ]
        return self.community.evaluate_stages(candidates, rule, at) if candidates else 0


# Any constant: it only has to be the same in every process of this project.
EVALUATION_LOCK_KEY = 0x43524D45  # "CRME"


class EvaluationSchedule:
    """Runs the stage evaluation every interval in a background thread.

    Server and workers may all run one: an advisory lock lets one evaluate at a time, and
    an evaluation changes nothing that another already recorded.
    """

    def __init__(
        self, pool: ConnectionPool, evaluation: StageEvaluation, interval_seconds: float
    ) -> None:
        self.pool = pool
        self.evaluation = evaluation
        self.interval = interval_seconds
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start evaluating every interval (never, for an interval of 0)."""
        if self.interval <= 0:
            return
        self._thread = threading.Thread(target=self._run, name="evaluation", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the evaluation under way, if any."""
        self.stopping.set()
        if self._thread:
            self._thread.join(timeout)

    def run_once(self) -> EvaluationReport | None:
        """Evaluate now, unless another process is evaluating (then None)."""
        with self.pool.connection() as conn:
            locked = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (EVALUATION_LOCK_KEY,)
            ).fetchone()
            assert locked is not None  # a SELECT of one function call returns one row
            if not locked[0]:
                return None
            try:
                return self.evaluation.evaluate(self.evaluation.clock())
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (EVALUATION_LOCK_KEY,))

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                report = self.run_once()
            except Exception:
                log.exception("stage evaluation failed; retrying at the next interval")
                continue
            if report:
                log.info("stage evaluation: %s judged, %s changed", report.examined, report.changed)
