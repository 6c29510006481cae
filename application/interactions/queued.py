"""recordInteraction through group commit: concurrent callers' records written as one
batch (one transaction), each caller answered with its own record's part of the report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from application.group_commit import BatchStats, GroupCommit
from application.interactions.record import RecordInteractions
from application.interactions.recording import IngestReport, Rejection
from domain.interactions.commands import RecordInteraction


@dataclass(frozen=True)
class _Call:
    record: RecordInteraction
    create_unknown_members: bool


class QueuedInteractions:
    """Single records queued for the next batch; each gets a report of its own.

    `settle(position)` runs once per batch written, before any of its callers is
    answered, with the batch's last position: the engagement view is applied there, so a
    caller reads its interaction back without waiting for the projection worker.
    """

    def __init__(
        self,
        recording: RecordInteractions,
        *,
        window_seconds: float,
        max_batch: int,
        settle: Callable[[int], object] | None = None,
    ) -> None:
        self.recording = recording
        self._settle = settle
        self._commit: GroupCommit[_Call, IngestReport] = GroupCommit(
            self._write,
            window_seconds=window_seconds,
            max_batch=max_batch,
            settle=self._settled if settle else None,
            name="record-interactions",
        )

    def record(
        self, record: RecordInteraction, *, create_unknown_members: bool
    ) -> Future[IngestReport]:
        """Queue one record; its report says what became of it (position: the batch's)."""
        return self._commit.submit(_Call(record, create_unknown_members))

    @property
    def stats(self) -> BatchStats:
        """Batches written so far."""
        return self._commit.stats

    def close(self) -> None:
        """Write and answer what is queued, then stop."""
        self._commit.close()

    def _write(self, calls: Sequence[_Call]) -> list[IngestReport | BaseException]:
        """One recording per kind of call (creating unknown members or not)."""
        outcomes: list[IngestReport | BaseException] = [ValueError("unanswered")] * len(calls)
        for create in (False, True):
            indexes = [i for i, c in enumerate(calls) if c.create_unknown_members is create]
            if not indexes:
                continue
            records = [calls[i].record for i in indexes]
            report = self.recording(records, create_unknown_members=create)
            for part, index in enumerate(indexes):
                outcomes[index] = _part(report, part)
        return outcomes

    def _settled(self, outcomes: Sequence[IngestReport | BaseException]) -> None:
        positions = [o.position for o in outcomes if isinstance(o, IngestReport) and o.position]
        if positions and self._settle is not None:
            self._settle(max(positions))


def _part(report: IngestReport, index: int) -> IngestReport:
    """One record's share of a batch's report, as if it had been recorded alone."""
    member_id = report.member_ids[index]
    # A member made for this batch counts as created for the first record naming it.
    created = member_id in report.created_member_ids and report.member_ids.index(member_id) == index
    return IngestReport(
        outcomes=[report.outcomes[index]],
        interaction_ids=[report.interaction_ids[index]],
        member_ids=[member_id],
        rejections=[
            Rejection(0, r.field, r.reason, r.code) for r in report.rejections if r.index == index
        ],
        created_members=1 if created else 0,
        position=report.position,
    )
