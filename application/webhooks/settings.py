"""The settings of outgoing webhooks (CRM_WEBHOOKS_*), a part of the one Settings class."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field

from application.webhooks.deliverer import DelivererOptions
from domain.webhooks.retries import RetryPolicy


class WebhookSettings(BaseModel):
    """Where webhooks may go, how long an attempt may take, and how retries back off."""

    # Receivers on loopback or private networks (the same host, a VPN): off by default, so
    # a URL cannot reach what only the server can (SSRF). Link-local never.
    webhooks_allow_private_addresses: bool = False
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Sending threads of one deliverer, and attempts in flight per subscription: a dead
    # receiver holds at most a quarter of the threads, the others share the rest.
    webhooks_workers: int = Field(default=64, ge=1, le=256)
    webhooks_per_subscription: int = Field(default=16, ge=1, le=64)
    # Backoff: the first pause, doubled (with jitter) up to the longest; failed after a day.
    webhooks_retry_first_seconds: float = Field(default=10.0, gt=0, le=3600)
    webhooks_retry_longest_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    webhooks_retry_hours: float = Field(default=24.0, gt=0, le=24 * 30)
    webhooks_poll_seconds: float = Field(default=1.0, gt=0, le=60)

    def deliverer_options(self) -> DelivererOptions:
        """The deliverer's threads, slots, timeout, polling and retry policy."""
        policy = RetryPolicy(
            first=timedelta(seconds=self.webhooks_retry_first_seconds),
            longest=timedelta(seconds=self.webhooks_retry_longest_seconds),
            give_up_after=timedelta(hours=self.webhooks_retry_hours),
        )
        return DelivererOptions(
            workers=self.webhooks_workers,
            per_subscription=self.webhooks_per_subscription,
            timeout_seconds=self.webhooks_timeout_seconds,
            poll_seconds=self.webhooks_poll_seconds,
            policy=policy,
        )
