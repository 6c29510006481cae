"""The projections this project runs, and the runners that feed them."""

from __future__ import annotations

from application.runtime import Runtime
from domain.interactions.engagement import DEFAULT_RULE, EngagementRule
from projections.compaction import ErasureCompactor
from projections.engine import ProjectionRunner
from projections.interactions.projection import EngagementProjection
from projections.lifecycle.projection import LifecycleProjection
from projections.members.projection import MembersProjection
from projections.personal import PersonalData
from projections.positions import PositionWatcher
from projections.projection import Projection


def all_projections(
    engagement: EngagementRule = DEFAULT_RULE, personal: PersonalData | None = None
) -> list[Projection]:
    """Every projection; none reads another's tables while it projects.

    Without `personal` (the member keys) they can be named but not run.
    """
    return [
        MembersProjection(personal),
        EngagementProjection(engagement, personal),
        LifecycleProjection(),
    ]


def projection_names() -> list[str]:
    """Names accepted by `crm project --rebuild`."""
    return [p.name for p in all_projections()]


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


def personal_data(runtime: Runtime) -> PersonalData:
    """The keys and blind indexes with which the read models seal and find personal data."""
    return PersonalData(runtime.community.keyring, runtime.lookups)


def erasure_compactor(runtime: Runtime) -> ErasureCompactor:
    """The compaction the projection worker runs after erasures, as configured."""
    return ErasureCompactor(
        runtime.pool, runtime.database_url, runtime.settings.erasure_compaction_seconds
    )


def catch_up_all(runtime: Runtime) -> None:
    """Bring every projection to the head of the log, in this process."""
    for runner in build_runners(runtime):
        runner.catch_up()
