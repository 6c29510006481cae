"""Composition root of the projections: the runners, the worker, and the views that group
commit settles before answering (their use cases are built in api/bootstrap.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from api.bootstrap import candidacy, personal_data, program_desk
from application.ambassadors.candidacy import CandidacySchedule
from application.ambassadors.expiry import ExpirySchedule
from application.interactions.queued import QueuedInteractions
from application.interactions.record import RecordInteractions
from application.members.queued import QueuedMemberCommands
from application.runtime import Runtime
from projections.catch_ups import catch_up_together
from projections.compaction import ErasureCompactor
from projections.engine import ProjectionRunner
from projections.feedback.voice import VoiceRefresh
from projections.interactions.projection import EngagementProjection
from projections.members.projection import MembersProjection
from projections.positions import PositionWatcher
from projections.projection import Projection
from projections.registry import all_projections
from projections.worker import ProjectionWorker


def projection_worker(
    runtime: Runtime,
    watcher: PositionWatcher | None = None,
    *,
    names: Collection[str] | None = None,
    maintain: bool = True,
) -> ProjectionWorker:
    """The projections (all, or those in `names`) following the log; when `maintain`, the
    maintenance too, each job when due: the erasure compaction, feedback's voice recomputed
    from the members' engagement, the ambassadors' unrenewed terms expired, and the
    ambassador candidacy evaluated."""
    jobs = (
        erasure_compactor(runtime).run_if_due,
        VoiceRefresh(runtime.pool, runtime.settings.feedback_voice_refresh_seconds).run_if_due,
        ExpirySchedule(
            program_desk(runtime),
            runtime.settings.ambassador_expiry_seconds,
            runtime.community.clock,
        ).run_if_due,
        CandidacySchedule(
            candidacy(runtime)[0], runtime.settings.candidacy_evaluation_seconds
        ).run_if_due,
    )

    def maintenance() -> None:
        run_each(jobs)

    runners = build_runners(runtime, watcher)
    return ProjectionWorker(
        runtime.database_url,
        [runner for runner in runners if names is None or runner.name in names],
        poll_seconds=runtime.settings.projection_poll_seconds,
        maintenance=maintenance if maintain else None,
        # Half the pool: `crm serve` answers requests on the other half meanwhile.
        concurrency=max(1, runtime.settings.pool_size // 2),
    )


def run_each(jobs: Sequence[Callable[[], object]]) -> None:
    """Run every job, one failing never starving the others; then raise the first failure."""
    failure: Exception | None = None
    for job in jobs:
        try:
            job()
        except Exception as error:  # noqa: BLE001  (re-raised once the others have run)
            failure = failure or error
    if failure is not None:
        raise failure


def build_runners(
    runtime: Runtime, watcher: PositionWatcher | None = None, batch_size: int | None = None
) -> list[ProjectionRunner]:
    """One runner per projection, decoding with the application's mapper."""
    return [
        ProjectionRunner(
            runtime.pool,
            runtime.community.mapper,
            projection,
            batch_size=batch_size or runtime.settings.projection_batch_size,
            watcher=watcher,
            max_attempts=runtime.settings.projection_max_attempts,
        )
        for projection in all_projections(
            runtime.settings.engagement_rule(), personal_data(runtime)
        )
    ]


def member_commands(
    runtime: Runtime, watcher: PositionWatcher | None = None
) -> QueuedMemberCommands:
    """Member commands by group commit; each batch's members applied to the members view
    (by a runner of its own) before its callers are answered."""
    settings = runtime.settings
    members_view = _runner(runtime, MembersProjection(personal_data(runtime)), watcher)
    return QueuedMemberCommands(
        runtime.community,
        window_seconds=settings.group_commit_window_ms / 1000,
        max_batch=settings.group_commit_max_batch,
        settle=members_view.catch_up_to,
    )


def queued_interactions(
    runtime: Runtime, recording: RecordInteractions, watcher: PositionWatcher | None = None
) -> QueuedInteractions:
    """recordInteraction by group commit; each batch applied to the engagement view (by a
    runner of its own) before its callers are answered."""
    settings = runtime.settings
    projection = EngagementProjection(settings.engagement_rule(), personal_data(runtime))
    engagement_view = _runner(runtime, projection, watcher)
    return QueuedInteractions(
        recording,
        window_seconds=settings.group_commit_window_ms / 1000,
        max_batch=settings.group_commit_max_batch,
        settle=engagement_view.catch_up_to,
    )


def _runner(
    runtime: Runtime, projection: Projection, watcher: PositionWatcher | None
) -> ProjectionRunner:
    settings = runtime.settings
    return ProjectionRunner(
        runtime.pool,
        runtime.community.mapper,
        projection,
        batch_size=settings.projection_batch_size,
        watcher=watcher,
        max_attempts=settings.projection_max_attempts,
    )


def erasure_compactor(runtime: Runtime) -> ErasureCompactor:
    """The compaction the projection worker runs after erasures, as configured."""
    return ErasureCompactor(
        runtime.pool, runtime.database_url, runtime.settings.erasure_compaction_seconds
    )


def catch_up_all(runtime: Runtime) -> None:
    """Bring every projection to the head of the log, in this process, in catch-up pages,
    two projections at a time."""
    batch_size = runtime.settings.projection_catch_up_batch_size
    catch_up_together(build_runners(runtime, batch_size=batch_size))
