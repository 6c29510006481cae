"""Composition root: each use case built once from a Runtime, handed what it needs.

The app (api/services.py), every CLI command, the worker and the tests' fixtures build
their use cases here, so no use case reaches through a Runtime for its collaborators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from api.task_links import DeskLinks
from api.webhook_wiring import webhook_desk
from application.ambassadors.candidacy import CandidacyEvaluation
from application.ambassadors.candidacy_simulation import CandidacyRuleSimulation
from application.ambassadors.program import ProgramDesk
from application.conduct.desk import ConductDesk
from application.consent.desk import ConsentDesk
from application.disclosures import DisclosureLog
from application.events.attendance import AttendanceImport
from application.events.desk import EventDesk
from application.feedback.desk import FeedbackDesk
from application.health.reports import CommunityHealth
from application.health.spikes import ActivitySpikes
from application.interactions.ingestion import DEFAULT_BATCH, Ingestion
from application.interactions.ports import AfterRecording
from application.interactions.record import RecordInteractions
from application.interactions.recording import ACCEPTED, IngestReport
from application.lifecycle.backtest import Backtest
from application.lifecycle.evaluation import EvaluationSchedule, StageEvaluation
from application.lifecycle.explanations import StageExplanations
from application.lifecycle.returns import RecordReturns
from application.lifecycle.simulation import RuleSimulation
from application.outreach.discussions import TopDiscussions
from application.outreach.effectiveness import OutreachOutcomes
from application.outreach.motivations import MotivationDesk
from application.outreach.notes import NoteDesk
from application.outreach.outreach import OutreachDesk
from application.outreach.tasks import TaskDesk
from application.outreach.welcome import WelcomeQueue
from application.runtime import Runtime
from application.webhooks.desk import WebhookDesk
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import InteractionKind
from projections.ambassadors.candidacy_runs import CandidacyRunsSql
from projections.ambassadors.queries import AmbassadorQueries
from projections.events.directory import MembersByEmail
from projections.health.reads import HealthReads
from projections.health.spike_queries import SpikeSourcesSql
from projections.lifecycle.histories import MemberHistories
from projections.lifecycle.queries import LifecycleQueries
from projections.outreach.discussions_queries import DiscussionQueries
from projections.outreach.log_queries import OutreachLogQueries
from projections.outreach.welcome_queries import WelcomeQueries
from projections.personal import PersonalData


@dataclass(frozen=True)
class UseCases:
    """The use cases of the lifecycle, and recording, wired to the rules and the read model."""

    evaluation: StageEvaluation
    simulation: RuleSimulation
    explanations: StageExplanations
    backtest: Backtest
    returns: RecordReturns
    # Recording, then the returns it causes: what recordInteraction calls.
    recording: RecordInteractions
    # Feedback commands; praise and criticism bring a quiet author back as interactions do.
    feedback: FeedbackDesk
    # The ambassador program's moves, and the expiry of unrenewed terms.
    program: ProgramDesk
    # Consent texts, and consent given or withdrawn as member events.
    consent: ConsentDesk
    # Conduct incidents; an upheld BAN retires the ambassadorship (the program's RetireOnBan).
    conduct: ConductDesk
    # Ambassador candidacy: the evaluation job (also the CandidacyFactors port) and drafts.
    candidacy: CandidacyEvaluation
    candidacy_simulation: CandidacyRuleSimulation
    # Records every export of members' data (marketing's list, Art. 15) before it leaves.
    disclosures: DisclosureLog
    # The community health KPIs and cohorts, read from the `health` projection.
    health: CommunityHealth
    # Activity spikes with their likely causes, and managers' annotations of them.
    spikes: ActivitySpikes
    # Notes on members, and why members joined (outreach).
    notes: NoteDesk
    motivations: MotivationDesk
    # Follow-up tasks; a linked feedback item or nomination is looked up in its desk.
    tasks: TaskDesk
    # The threads that drew the most interest, read from the `discussions` rollups.
    discussions: TopDiscussions
    # The outreach log, its outcomes and effectiveness, and the newcomers' welcome queue.
    outreach: OutreachDesk
    outreach_outcomes: OutreachOutcomes
    welcome: WelcomeQueue
    # Community events; a check-in is recorded as an interaction, and quiet members return.
    events: EventDesk
    # Attendee files applied to an event (the importers' AttendanceRecorder port).
    attendance: AttendanceImport
    # Webhook subscriptions (admin only) and replays of their deliveries.
    webhooks: WebhookDesk


def use_cases(runtime: Runtime, lifecycle: LifecycleQueries | None = None) -> UseCases:
    """The use cases of one process, reading `lifecycle` (a new one on the pool by default)."""
    lifecycle = lifecycle or LifecycleQueries(runtime.pool)
    community, settings = runtime.community, runtime.settings
    rule, engagement = settings.stage_rule(), settings.engagement_rule()
    histories = MemberHistories(runtime.pool)
    returns = RecordReturns(community, histories, lifecycle, rule=rule, engagement=engagement)
    program = program_desk(runtime)
    feedback = FeedbackDesk(community, _SpokeReturns(returns))
    events = EventDesk(community, RecordInteractions(community, returns))
    return UseCases(
        StageEvaluation(community, histories, lifecycle, rule=rule, engagement=engagement),
        RuleSimulation(community.bounds, histories, current=rule, engagement=engagement),
        StageExplanations(histories, rule=rule, engagement=engagement),
        Backtest(histories, rule=rule, engagement=engagement, bounds=community.bounds),
        returns,
        RecordInteractions(community, returns),
        feedback,
        program,
        ConsentDesk(community),
        # An upheld BAN retires the member's ambassadorship, naming the incident.
        ConductDesk(community, retire_on_ban=program.retire_for_conduct),
        *candidacy(runtime),
        DisclosureLog(community),
        CommunityHealth(HealthReads(runtime.pool), settings.health_rule()),
        ActivitySpikes(community, SpikeSourcesSql(runtime.pool), settings.spike_rule()),
        NoteDesk(community),
        MotivationDesk(community, settings.motivation_options()),
        TaskDesk(community, DeskLinks(feedback, program)),
        TopDiscussions(DiscussionQueries(runtime.pool, personal_data(runtime))),
        OutreachDesk(community),
        OutreachOutcomes(
            OutreachLogQueries(runtime.pool, personal_data(runtime)),
            settings.outreach_reply_days,
        ),
        WelcomeQueue(
            WelcomeQueries(runtime.pool, personal_data(runtime)), settings.outreach_welcome_days
        ),
        events,
        AttendanceImport(events, MembersByEmail(runtime.pool, personal_data(runtime))),
        webhook_desk(runtime),
    )


def candidacy(runtime: Runtime) -> tuple[CandidacyEvaluation, CandidacyRuleSimulation]:
    """The candidacy job and simulation under the configured rule and engagement weights."""
    runs, bounds = CandidacyRunsSql(runtime.pool), runtime.community.bounds
    rule = runtime.settings.candidacy_rule()
    weights = {str(k): w for k, w in runtime.settings.engagement_rule().weights.items()}
    return (
        CandidacyEvaluation(runs, bounds, rule=rule, weights=weights),
        CandidacyRuleSimulation(runs, bounds, current=rule, weights=weights),
    )


def program_desk(runtime: Runtime) -> ProgramDesk:
    """The program desk: terms as configured, due terms found in the `ambassadors` projection,
    nominations keeping the member's candidacy factors under the configured rule."""
    return ProgramDesk(
        runtime.community,
        candidacy(runtime)[0],
        AmbassadorQueries(runtime.pool, personal_data(runtime)),
        term=timedelta(days=runtime.settings.ambassador_term_days),
    )


class _SpokeReturns:
    """The feedback desk's MemberSpoke port: the author's praise or criticism, as returns see it.

    The returns judge a batch of recorded interactions; the feedback event is the one record
    of this one (the engagement projection reads it), so the batch is described, not written.
    """

    def __init__(self, returns: RecordReturns) -> None:
        self.returns = returns

    def __call__(self, member_id: UUID, channel: str, at: datetime) -> int:
        """How many members changed stage: the author, if they were quiet."""
        record = RecordInteraction(
            member_id=member_id,
            channel=channel,
            kind=InteractionKind.FEEDBACK,
            occurred_at=at,
            external_id=f"feedback:{member_id}:{at.isoformat()}",
        )
        report = IngestReport(outcomes=[ACCEPTED], interaction_ids=[None], member_ids=[member_id])
        return self.returns([record], report)


def ingestion(
    runtime: Runtime,
    after_batch: AfterRecording | None = None,
    *,
    create_unknown_members: bool,
    batch_size: int = DEFAULT_BATCH,
) -> Ingestion:
    """An ingestion writing through the Community; after each batch, quiet members return."""
    return Ingestion(
        runtime.community,
        after_batch or use_cases(runtime).returns,
        create_unknown_members=create_unknown_members,
        max_json_depth=runtime.settings.max_json_depth,
        batch_size=batch_size,
    )


def evaluation_schedule(
    runtime: Runtime, interval_seconds: float, evaluation: StageEvaluation | None = None
) -> EvaluationSchedule:
    """The background stage evaluation of `crm serve` and `crm worker`."""
    return EvaluationSchedule(
        runtime.pool, evaluation or use_cases(runtime).evaluation, interval_seconds
    )


def personal_data(runtime: Runtime) -> PersonalData:
    """The keys and blind indexes with which the read models seal and find personal data."""
    return PersonalData(runtime.community.keyring, runtime.lookups)
