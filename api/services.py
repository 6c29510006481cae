"""What the API needs at hand, built once per process in the FastAPI lifespan."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio.to_thread
from psycopg_pool import ConnectionPool

from api.auth import ApiKeys
from api.bootstrap import UseCases, personal_data, use_cases
from api.projection_wiring import member_commands, projection_worker, queued_interactions
from api.webhook_wiring import webhook_deliverer
from application.interactions.queued import QueuedInteractions
from application.members.community import Community
from application.members.queued import QueuedMemberCommands
from application.runtime import Runtime
from application.settings import Settings
from application.webhooks.deliverer import Deliverer
from domain.interactions.engagement import EngagementRule
from domain.lifecycle.rule import StageRule
from projections.ambassadors.queries import AmbassadorQueries
from projections.conduct.queries import ConductQueries
from projections.consent.queries import ConsentQueries
from projections.disclosures.queries import DisclosureQueries
from projections.events.queries import EventQueries
from projections.feedback.levels import EngagementLevels
from projections.feedback.queries import FeedbackQueries
from projections.feedback.reports import FeedbackReports
from projections.interactions.queries import EngagementQueries
from projections.lifecycle.queries import LifecycleQueries
from projections.members.projection import MembersProjection
from projections.members.queries import MemberQueries
from projections.members.suggestions import MatchSuggestions
from projections.outreach.log_queries import OutreachLogQueries
from projections.outreach.motivations_queries import MotivationQueries
from projections.outreach.notes_queries import NoteQueries
from projections.outreach.tasks_queries import TaskQueries
from projections.positions import PositionWatcher
from projections.webhooks.queries import WebhookQueries
from projections.worker import ProjectionWorker

T = TypeVar("T")


@dataclass
class Services:
    """The application, read models and keys, shared by all requests."""

    runtime: Runtime
    settings: Settings
    members: MemberQueries
    engagement: EngagementQueries
    lifecycle: LifecycleQueries
    feedback: FeedbackQueries
    feedback_reports: FeedbackReports
    # Supporters' stage and score, shown beside feedback (projections/feedback/levels.py).
    engagement_levels: EngagementLevels
    # Conduct incidents (admin and manager) and members' standing (everyone).
    conduct: ConductQueries
    # Exports of members' data and whom each held (projections/disclosures).
    disclosures: DisclosureQueries
    api_keys: ApiKeys
    # Consent texts and members' consents (the note opened with the member's key).
    consent: ConsentQueries
    watcher: PositionWatcher
    use_cases: UseCases
    # The ambassador program's read model (projections/ambassadors).
    ambassadors: AmbassadorQueries
    # Notes on members and members' motivations (projections/outreach).
    notes: NoteQueries
    motivations: MotivationQueries
    # Follow-up tasks (admin and manager), titles opened with the member's key.
    tasks: TaskQueries
    # The outreach log, its notes opened with the member's key (admin and manager).
    outreach_log: OutreachLogQueries
    # Community events and their figures (every role), attendees as member ids.
    events: EventQueries
    # Webhook subscriptions and their deliveries (admin only).
    webhooks: WebhookQueries
    # Mutations by group commit (application/group_commit.py); built with the services.
    member_commands: QueuedMemberCommands | None = None
    interaction_queue: QueuedInteractions | None = None
    worker: ProjectionWorker | None = None
    # The webhooks deliverer, when it runs in this process (`crm serve`'s default).
    deliverer: Deliverer | None = None

    @property
    def rule(self) -> EngagementRule:
        """The configured engagement rule."""
        return self.settings.engagement_rule()

    @property
    def stage_rule(self) -> StageRule:
        """The configured stage rule."""
        return self.settings.stage_rule()

    @property
    def community(self) -> Community:
        """The event-sourced application."""
        return self.runtime.community

    @classmethod
    def build(
        cls, runtime: Runtime, *, run_projections: bool, deliver_webhooks: bool = False
    ) -> Services:
        """Wire services; with run_projections the projections follow the log in-process,
        and with deliver_webhooks the webhooks deliverer sends the outbox in-process."""
        watcher = PositionWatcher(runtime.pool)
        worker = None
        if run_projections:
            worker = projection_worker(runtime, watcher)
            worker.start()
        deliverer = None
        if deliver_webhooks:
            deliverer = webhook_deliverer(runtime)
            deliverer.start()
        pool = runtime.pool
        personal = personal_data(runtime)
        lifecycle = LifecycleQueries(pool)
        cases = use_cases(runtime, lifecycle)
        return cls(
            runtime,
            runtime.settings,
            MemberQueries(pool, personal),
            EngagementQueries(pool, personal),
            lifecycle,
            FeedbackQueries(pool, personal),
            FeedbackReports(pool),
            EngagementLevels(pool),
            ConductQueries(pool, personal),
            DisclosureQueries(pool),
            ApiKeys(pool),
            ConsentQueries(pool, personal),
            watcher,
            cases,
            AmbassadorQueries(pool, personal),
            NoteQueries(pool, personal),
            MotivationQueries(pool, personal),
            TaskQueries(pool, personal),
            OutreachLogQueries(pool, personal),
            EventQueries(pool),
            WebhookQueries(pool),
            member_commands(runtime, watcher),
            queued_interactions(runtime, cases.recording, watcher),
            worker,
            deliverer,
        )

    @property
    def match_suggestions(self) -> MatchSuggestions:
        """Pairs of members who are probably one person (projections/members/suggestions)."""
        return MatchSuggestions(self.runtime.pool)

    def wait_for_members(self, position: int | None) -> bool:
        """Read-your-writes: wait until the members view includes this position."""
        return self.wait_for(MembersProjection.name, position)

    def wait_for(self, projection: str, position: int | None) -> bool:
        """Read-your-writes: wait until a projection includes this position."""
        if position is None:
            return True
        timeout = self.settings.read_your_writes_timeout
        return self.watcher.wait_for(projection, position, timeout)

    @property
    def pool(self) -> ConnectionPool:
        """The connections of the read models, keys and projection positions."""
        return self.runtime.pool

    def close(self) -> None:
        """Stop the projection thread and release connections."""
        for queue in (self.member_commands, self.interaction_queue):
            if queue is not None:
                queue.close()
        if self.worker:
            self.worker.stop()
        if self.deliverer:
            self.deliverer.stop()
        self.runtime.close()


async def in_thread(function: Callable[..., T], *args: object) -> T:
    """Run blocking code (psycopg, eventsourcing) off the event loop."""
    return await anyio.to_thread.run_sync(functools.partial(function, *args))
