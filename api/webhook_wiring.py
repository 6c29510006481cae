"""The webhooks context wired to a runtime: the admin's desk and the deliverer, for
`crm serve`, `crm webhooks deliver` and the benchmark alike."""

from __future__ import annotations

from application.runtime import Runtime
from application.webhooks.deliverer import Deliverer
from application.webhooks.desk import WebhookDesk
from application.webhooks.sending import HttpSender
from projections.webhooks.contents import LoggedContents
from projections.webhooks.queue import DeliveryQueueSql, listen_for_deliveries


def webhook_desk(runtime: Runtime) -> WebhookDesk:
    """Subscriptions through the Community; replays on the outbox; SSRF as configured."""
    return WebhookDesk(
        runtime.community,
        DeliveryQueueSql(runtime.pool),
        allow_private=runtime.settings.webhooks_allow_private_addresses,
    )


def webhook_deliverer(runtime: Runtime) -> Deliverer:
    """The deliverer of `crm webhooks deliver` (and of `crm serve`, in-process): the outbox
    on the pool, bodies from the log, secrets from the subscriptions, woken by NOTIFY."""
    settings = runtime.settings
    options = settings.deliverer_options()
    sender = HttpSender(
        timeout_seconds=options.timeout_seconds,
        allow_private=settings.webhooks_allow_private_addresses,
        max_connections=options.per_subscription,
    )
    return Deliverer(
        DeliveryQueueSql(runtime.pool),
        LoggedContents(runtime.pool, runtime.community.mapper),
        webhook_desk(runtime).secret,
        sender,
        options,
        clock=runtime.community.clock,
        listen=listen_for_deliveries(runtime.database_url),
    )
