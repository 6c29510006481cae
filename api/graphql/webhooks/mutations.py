"""Webhook mutations: each builds a command, runs it on the desk, returns its union.

Admin only (MANAGE_WEBHOOKS): every other role gets the Forbidden result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry

from api.auth import MANAGE_WEBHOOKS
from api.graphql.commands import attempt
from api.graphql.context import Info
from api.graphql.errors import NotFound, domain_error, forbidden
from api.graphql.webhooks import payloads as p
from api.graphql.webhooks.inputs import (
    CreateWebhookSubscriptionInput,
    ReplayWebhookDeliveriesInput,
    WebhookSubscriptionInput,
)
from api.graphql.webhooks.types import subscription_from_aggregate
from api.services import in_thread
from application.webhooks.desk import Replay, SubscriptionChange, WebhookDesk
from domain.errors import DomainError
from domain.webhooks import WebhookSubscriptionNotFound
from domain.webhooks.commands import (
    CreateWebhookSubscription,
    ReplayWebhookDeliveries,
    SubscriptionCommand,
)
from projections.positions import head_of_log
from projections.webhooks.projection import WebhooksProjection

S = TypeVar("S", bound=p.SubscriptionChanged)


def _refused(error: DomainError) -> p.Errors:
    """An unknown subscription is NOT_FOUND naming it; the rest as every context types them."""
    if isinstance(error, WebhookSubscriptionNotFound):
        return NotFound(message=str(error), id=strawberry.ID(str(error.subscription_id)))
    return domain_error(error)


def _desk(info: Info) -> WebhookDesk:
    return info.context.services.use_cases.webhooks


async def _change(
    info: Info,
    action: str,
    input: WebhookSubscriptionInput,
    act: Callable[[WebhookDesk], Callable[..., SubscriptionChange]],
    success: type[S],
) -> S | p.Errors:
    """Pause, resume or delete, as an admin."""
    if not info.context.principal.can_manage_webhooks:
        return forbidden(action, MANAGE_WEBHOOKS)
    desk = _desk(info)
    outcome = await attempt(
        lambda: SubscriptionCommand(subscription_id=input.subscription_id),
        lambda command: act(desk)(command.subscription_id),
        refused=_refused,
    )
    if not isinstance(outcome, SubscriptionChange):
        return outcome
    await _projected(info, outcome.position)
    subscription = subscription_from_aggregate(outcome.subscription)
    return success(subscription=subscription, changed=outcome.changed)


async def _projected(info: Info, position: int | None) -> None:
    """Read-your-writes: the subscriptions list, and the deliverer, see the change."""
    await in_thread(info.context.services.wait_for, WebhooksProjection.name, position)


@strawberry.type
class WebhookMutation:
    """Mutations of webhook subscriptions (admin only)."""

    @strawberry.mutation(
        description="Subscribe a receiver URL to public event types (admin). The answer holds "
        "the signing secret, shown this once."
    )
    async def create_webhook_subscription(
        self, info: Info, input: CreateWebhookSubscriptionInput
    ) -> p.CreateWebhookSubscriptionResult:
        principal = info.context.principal
        if not principal.can_manage_webhooks:
            return forbidden("manage webhooks", MANAGE_WEBHOOKS)

        def build() -> CreateWebhookSubscription:
            narrowed = input.filter
            return CreateWebhookSubscription(
                url=input.url,
                event_types=input.event_types,
                # A dict, so that a refused part is named filter.memberIds.0.
                filter={
                    "member_ids": narrowed.member_ids if narrowed else [],
                    "channels": narrowed.channels if narrowed else [],
                },
                secret=input.secret,
                role=input.role.value,
                created_by=f"key:{principal.name}",
            )

        outcome = await attempt(build, _desk(info).create, refused=_refused)
        if not isinstance(outcome, SubscriptionChange):
            return outcome
        assert outcome.secret is not None and outcome.position is not None
        await _projected(info, outcome.position)
        return p.WebhookSubscriptionCreated(
            subscription=subscription_from_aggregate(outcome.subscription),
            secret=outcome.secret,
            position=str(outcome.position),
        )

    @strawberry.mutation(
        description="Stop deliveries until resumed; events keep being collected (admin)."
    )
    async def pause_webhook_subscription(
        self, info: Info, input: WebhookSubscriptionInput
    ) -> p.PauseWebhookSubscriptionResult:
        return await _change(
            info, "manage webhooks", input, lambda d: d.pause, p.WebhookSubscriptionPaused
        )

    @strawberry.mutation(
        description="Deliver again, what was collected while paused first (admin)."
    )
    async def resume_webhook_subscription(
        self, info: Info, input: WebhookSubscriptionInput
    ) -> p.ResumeWebhookSubscriptionResult:
        return await _change(
            info, "manage webhooks", input, lambda d: d.resume, p.WebhookSubscriptionResumed
        )

    @strawberry.mutation(
        description="Close a subscription; what it had not received is dropped (admin)."
    )
    async def delete_webhook_subscription(
        self, info: Info, input: WebhookSubscriptionInput
    ) -> p.DeleteWebhookSubscriptionResult:
        return await _change(
            info, "manage webhooks", input, lambda d: d.delete, p.WebhookSubscriptionDeleted
        )

    @strawberry.mutation(
        description="Send again every delivery of a subscription at or after a position of "
        "the log, up to now, with the same idempotency keys and X-CRM-Replay: true (admin)."
    )
    async def replay_webhook_deliveries(
        self, info: Info, input: ReplayWebhookDeliveriesInput
    ) -> p.ReplayWebhookDeliveriesResult:
        if not info.context.principal.can_manage_webhooks:
            return forbidden("manage webhooks", MANAGE_WEBHOOKS)
        services = info.context.services
        # Up to now: the outbox first takes in what the log holds when the replay is asked.
        head = await in_thread(head_of_log, services.pool)
        await in_thread(services.wait_for, WebhooksProjection.name, head)

        def build() -> ReplayWebhookDeliveries:
            return ReplayWebhookDeliveries(
                subscription_id=input.subscription_id, from_position=input.from_position
            )

        outcome = await attempt(build, _desk(info).replay, refused=_refused)
        if not isinstance(outcome, Replay):
            return outcome
        return p.WebhookDeliveriesReplayed(
            subscription_id=strawberry.ID(str(outcome.subscription_id)),
            from_position=str(outcome.from_position),
            up_to_position=None if outcome.up_to is None else str(outcome.up_to),
            count=outcome.count,
        )
