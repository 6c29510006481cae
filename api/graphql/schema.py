"""The GraphQL schema: per-context queries and mutations composed, with abuse limits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.graphql.ambassadors import (
    AmbassadorQuery,
    CandidacyQuery,
    ProgramMutation,
    member_ambassadorship,
)
from api.graphql.conduct import ConductMutation, ConductQuery, member_standing
from api.graphql.consent import ConsentMutation, ConsentQuery, member_consents
from api.graphql.disclosures import DisclosureQuery, member_disclosures
from api.graphql.events import EventMutation, EventQuery, member_events
from api.graphql.feedback import FeedbackQuery, FeedbackSubscription, member_feedback
from api.graphql.feedback.mutations import FeedbackMutation
from api.graphql.health import HealthQuery
from api.graphql.health.spike_exports import SpikeMutation, SpikeQuery
from api.graphql.interactions import (
    EngagementMutation,
    EngagementQuery,
    member_engagement,
    member_interactions,
)
from api.graphql.json_values import SCALAR_OVERRIDES
from api.graphql.lifecycle import LifecycleQuery, LifecycleSubscription, stage_history
from api.graphql.masking import MaskUnexpectedErrors
from api.graphql.member_fields import MemberFields
from api.graphql.members import (
    MatchMutation,
    MatchQuery,
    MemberMutation,
    MemberQuery,
    MemberSubscription,
    MergeMutation,
    member_by_id,
)
from api.graphql.nodes import NodeQuery
from api.graphql.outreach import (
    MotivationMutation,
    MotivationQuery,
    NoteMutation,
    TaskMutation,
    TaskQuery,
    member_motivation,
    member_notes,
    member_tasks,
)
from api.graphql.outreach.discussions import DiscussionQuery
from api.graphql.outreach.outreach import OutreachMutation, OutreachQuery
from api.graphql.outreach.welcome import WelcomeQuery
from api.graphql.parse_memo import RememberedParse
from api.graphql.ratelimit import RateLimitOperations
from api.graphql.validation_memo import RememberedValidation, ValidationMemo
from api.graphql.webhooks import WebhookMutation, WebhookQuery
from api.metrics import OperationLatency

# Member's fields that other contexts answer, wired here where every context is in view.
MEMBER_FIELDS = MemberFields(
    member=member_by_id,
    engagement=member_engagement,
    interactions=member_interactions,
    stage_history=stage_history,
    feedback=member_feedback,
    ambassadorship=member_ambassadorship,
    consents=member_consents,
    standing=member_standing,
    disclosures=member_disclosures,
    notes=member_notes,
    motivation=member_motivation,
    tasks=member_tasks,
    events=member_events,
)

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"
MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 20


@strawberry.type(description="Everything that can be read.")
class Query(
    MemberQuery,
    MatchQuery,
    EngagementQuery,
    LifecycleQuery,
    FeedbackQuery,
    AmbassadorQuery,
    CandidacyQuery,
    ConsentQuery,
    ConductQuery,
    DisclosureQuery,
    HealthQuery,
    SpikeQuery,
    MotivationQuery,
    TaskQuery,
    DiscussionQuery,
    OutreachQuery,
    WelcomeQuery,
    EventQuery,
    WebhookQuery,
    NodeQuery,
):
    pass


@strawberry.type(description="Everything that can be changed; each returns a result union.")
class Mutation(
    MemberMutation,
    MergeMutation,
    MatchMutation,
    EngagementMutation,
    FeedbackMutation,
    ProgramMutation,
    ConsentMutation,
    ConductMutation,
    SpikeMutation,
    NoteMutation,
    MotivationMutation,
    TaskMutation,
    OutreachMutation,
    EventMutation,
    WebhookMutation,
):
    pass


@strawberry.type(
    description="Live updates over WebSocket at /graphql (graphql-transport-ws), signed in"
    ' with the API key in connection_init\'s payload: {"authorization": "Bearer <key>"}.'
)
class Subscription(MemberSubscription, LifecycleSubscription, FeedbackSubscription):
    pass


class QuietSchema(strawberry.Schema):
    """Expected errors are answers, not incidents: only masked (unexpected) ones are logged."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Unexpected errors are logged, with their reference, by MaskUnexpectedErrors."""


def build_schema(*, introspection: bool = True) -> strawberry.Schema:
    """The schema, with depth, token and alias limits and masking of unexpected errors."""
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        # After the token limit: a remembered document was parsed under it.
        RememberedParse,
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        RateLimitOperations,
        MaskUnexpectedErrors,
        OperationLatency,
    ]
    # Each document text is validated once per schema (its limits are fixed here).
    memo = ValidationMemo()
    extensions.append(lambda: RememberedValidation(memo))
    if not introspection:
        extensions.append(DisableIntrospection)
    return QuietSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(auto_camel_case=True),
        scalar_overrides=SCALAR_OVERRIDES,
    )


def schema_sdl(schema: Any | None = None) -> str:
    """The schema as SDL, as committed in api/schema.graphql."""
    return str(schema or build_schema()).strip() + "\n"
