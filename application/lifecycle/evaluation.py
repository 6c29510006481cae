"""The stage evaluation: bring every counted member's recorded stages up to an instant.

Run by `crm evaluate [--as-of DATE]` and on a schedule by `crm worker`. Each member's
changes are found from their own interactions up to the instant, at the instants they
happened (see planning.py), so whatever dates are evaluated, in whatever order, every
instant gets the same stage. Running it twice changes nothing.
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
from application.lifecycle.planning import plan_stages
from application.lifecycle.ports import (
    MemberHistories,
    Plan,
    RecordedStages,
    StageRecorder,
)
from domain.interactions.engagement import EngagementRule
from domain.lifecycle import History, StageRule

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
    """Records, on every counted member, the stage changes the rule finds up to an instant.

    `rule` and `engagement` are the configured rules; the read models narrow the work, and
    each member applies the changes after the stage it holds (application/lifecycle/stages.py).
    """

    def __init__(
        self,
        community: StageRecorder,
        histories: MemberHistories,
        stages: RecordedStages,
        *,
        rule: StageRule,
        engagement: EngagementRule,
        clock: Clock = utc_now,
    ) -> None:
        self.community = community
        self.histories = histories
        self.stages = stages
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
        while page := self.histories.histories(
            self.engagement, until=at, after=after, limit=PAGE, settled=rule.version
        ):
            changed += self.record(page, rule, at)
            examined += len(page)
            after = page[-1].member_id
            if progress:
                progress(len(page))
        return EvaluationReport(at, examined, changed, rule.version)

    def record(self, page: Sequence[History], rule: StageRule, at: datetime) -> int:
        """Record the changes these members need up to `at`; how many members changed."""
        recorded = self.stages.recorded([history.member_id for history in page])
        plans: list[tuple[UUID, Plan]] = []
        for history in page:
            plan = plan_stages(
                rule,
                history,
                recorded.get(history.member_id),
                at,
                half_life=self.engagement.half_life,
            )
            if plan:
                plans.append((history.member_id, plan))
        return self.community.record_stages(plans) if plans else 0


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
