"""The projections this project runs (api/projection_wiring.py builds their runners)."""

from __future__ import annotations

from domain.interactions.engagement import DEFAULT_RULE, EngagementRule
from projections.ambassadors.projection import AmbassadorsProjection
from projections.conduct.projection import ConductProjection
from projections.consent.projection import ConsentProjection
from projections.disclosures.projection import DisclosuresProjection
from projections.events.projection import CommunityEventsProjection
from projections.feedback.projection import FeedbackProjection
from projections.health.annotations import HealthAnnotationsProjection
from projections.health.projection import HealthProjection
from projections.interactions.projection import EngagementProjection
from projections.lifecycle.projection import LifecycleProjection
from projections.members.projection import MembersProjection
from projections.outreach.discussions import DiscussionsProjection
from projections.outreach.log import OutreachLogProjection
from projections.outreach.motivations import MotivationsProjection
from projections.outreach.notes import NotesProjection
from projections.outreach.tasks_projection import TasksProjection
from projections.outreach.welcome import OutreachWelcomeProjection
from projections.personal import PersonalData
from projections.projection import Projection
from projections.webhooks.projection import WebhooksProjection


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
        FeedbackProjection(personal),
        AmbassadorsProjection(),
        ConsentProjection(personal),
        ConductProjection(personal),
        DisclosuresProjection(),
        HealthProjection(),
        HealthAnnotationsProjection(),
        NotesProjection(personal),
        MotivationsProjection(personal),
        TasksProjection(personal),
        DiscussionsProjection(personal),
        OutreachLogProjection(personal),
        OutreachWelcomeProjection(),
        CommunityEventsProjection(),
        WebhooksProjection(),
    ]


def projection_names() -> list[str]:
    """Names accepted by `crm project --rebuild`."""
    return [p.name for p in all_projections()]
