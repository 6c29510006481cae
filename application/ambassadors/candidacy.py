"""The candidacy evaluation job: who may become an ambassador, recorded run by run.

One run judges every counted member at an instant under the configured rule, with the
hysteresis memory of the previous run of the same rule version (a candidate stays one
while every factor holds at 90% of its threshold), and records the candidates, each with
the date their unbroken candidacy began. The current list and `asOf` read these runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from psycopg_pool import PoolClosed

from application.ambassadors.candidacy_ports import CandidacyRuns
from application.ambassadors.ports import CandidacySnapshot
from application.clock import Clock, utc_now
from domain.ambassadors.candidacy import CandidacyRule, Verdict, judge
from domain.ambassadors.runs import CandidateRow, FactorQuery, Memory, Reading, RunReport
from domain.moments import TimeBounds

log = logging.getLogger(__name__)


class CandidacyEvaluation:
    """Runs of the configured candidacy rule, and a member's factors now (CandidacyFactors)."""

    def __init__(
        self,
        runs: CandidacyRuns,
        bounds: TimeBounds,
        *,
        rule: CandidacyRule,
        weights: Mapping[str, float],
        clock: Clock = utc_now,
    ) -> None:
        self.runs = runs
        self.bounds = bounds
        self.rule = rule
        self.weights = dict(weights)
        self.clock = clock

    def evaluate(self, at: datetime | None = None) -> RunReport:
        """Judge every counted member at `at` (default now) and record the run."""
        at = self.bounds.check("at", at, self.clock()) if at else self.clock()
        query = FactorQuery(self.rule, self.weights, at)
        return self.runs.record_run(
            query, lambda reading, memory: decide(self.rule, reading, memory, at)
        )

    def snapshot(self, member_id: UUID) -> CandidacySnapshot:
        """The member's factors now under the configured rule, gates aside."""
        query = FactorQuery(self.rule, self.weights, self.clock())
        factors = self.runs.member_factors(query, member_id)
        return CandidacySnapshot(self.rule.version, {str(f): v for f, v in factors.items()})


def decide(
    rule: CandidacyRule, reading: Reading, memory: Memory, at: datetime
) -> list[CandidateRow]:
    """The candidates among the members read, with hysteresis against `memory`."""
    chosen = []
    for member in reading.within_reach:
        since = memory.since.get(member.member_id)
        verdict = judge(rule, member.factors, since is not None)
        if verdict.candidate:
            chosen.append(
                CandidateRow(
                    member.member_id, verdict.score, why_of(verdict), since or at, member.channels
                )
            )
    return chosen


def why_of(verdict: Verdict) -> dict[str, dict[str, float | bool]]:
    """A verdict's why as a run records it: per factor, where it stood."""
    return {
        str(j.factor): {
            "value": j.value,
            "threshold": j.threshold,
            "floor": j.floor,
            "met": j.met,
            "contribution": j.contribution,
        }
        for j in verdict.why
    }


# The schedule looks at the runs table at most this often; a run is due once the latest
# run of the configured version is CRM_CANDIDACY_EVALUATION_SECONDS old.
CHECK_EVERY = 60.0


class CandidacySchedule:
    """Runs the candidacy evaluation when due, in a thread of its own (worker maintenance).

    Due is read from the runs table, so restarts and several workers do not run it more
    often; runs are serialised by the job's lock.
    """

    def __init__(self, evaluation: CandidacyEvaluation, interval_seconds: float) -> None:
        self.evaluation = evaluation
        self.interval = timedelta(seconds=interval_seconds)
        self._next_check = 0.0
        self._thread: threading.Thread | None = None

    def run_if_due(self) -> bool:
        """Start a run if one is due and none runs here; True when one started."""
        now = time.monotonic()
        if self.interval <= timedelta(0) or now < self._next_check or self.running:
            return False
        self._next_check = now + min(CHECK_EVERY, self.interval.total_seconds())
        last = self.evaluation.runs.last_run_at(self.evaluation.rule.version)
        if last is not None and self.evaluation.clock() - last < self.interval:
            return False
        self._thread = threading.Thread(target=self._run, name="candidacy", daemon=True)
        self._thread.start()
        return True

    @property
    def running(self) -> bool:
        """Whether a run is under way."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the run under way, if any."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            report = self.evaluation.evaluate()
        except PoolClosed:
            return  # the process is stopping
        except Exception:
            log.exception("candidacy evaluation failed; retrying when next due")
            return
        log.info(
            "candidacy evaluation (%s): %d examined, %d candidates (%d in, %d out)",
            report.rule_version,
            report.examined,
            report.candidates,
            report.entered,
            report.left,
        )
