"""The projections this project runs, and the runners that feed them."""

from __future__ import annotations

from application.runtime import Runtime
from domain.engagement import DEFAULT_RULE, EngagementRule
from projections.engagement import EngagementProjection
from projections.engine import ProjectionRunner
from projections.lifecycle import LifecycleProjection
from projections.members import MembersProjection
from projections.positions import PositionWatcher
from projections.projection import Projection


def all_projections(engagement: EngagementRule = DEFAULT_RULE) -> list[Projection]:
    """Every projection; none reads another's tables while it projects."""
    return [MembersProjection(), EngagementProjection(engagement), LifecycleProjection()]


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
        for projection in all_projections(runtime.settings.engagement_rule())
    ]


def catch_up_all(runtime: Runtime) -> None:
    """Bring every projection to the head of the log, in this process."""
    for runner in build_runners(runtime):
        runner.catch_up()
