"""`crm webhooks deliver` as a real process: SIGKILLed mid-send, restarted, every delivery
received, none lost, and any sent twice under the same idempotency key."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from application.members.demo import seed_demo
from application.runtime import Runtime
from application.webhooks.desk import WebhookDesk
from domain.webhooks.commands import CreateWebhookSubscription
from projections.engine import ProjectionRunner
from projections.webhooks.projection import WebhooksProjection
from projections.webhooks.queue import DeliveryQueueSql
from tests.integration.conftest import rows, scalar
from tests.integration.test_cli import ROOT, crm_env
from tests.webhook_receiver import Receiver, receiving

pytestmark = pytest.mark.integration

MEMBERS = 150
PER_SUBSCRIPTION = 4
DEADLINE_SECONDS = 60


def start_deliverer(url: str, folder: Path, log_name: str) -> subprocess.Popen[bytes]:
    """`python -m api.cli webhooks deliver` on the test database, loopback allowed."""
    env = crm_env(
        url,
        CRM_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="true",
        CRM_WEBHOOKS_TIMEOUT_SECONDS="1",
        CRM_WEBHOOKS_POLL_SECONDS="0.1",
        CRM_WEBHOOKS_PER_SUBSCRIPTION=str(PER_SUBSCRIPTION),
        CRM_WEBHOOKS_RETRY_FIRST_SECONDS="0.05",
        # Few connections: the database server's are shared with the rest of the suite.
        CRM_POOL_SIZE="2",
        CRM_EVENT_STORE_POOL_SIZE="1",
    )
    with (folder / log_name).open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "api.cli", "webhooks", "deliver"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )


def wait_until(check: object, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll `check` until true; fail if the deliverer died or the deadline passed."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not check():  # type: ignore[operator]
        if process.poll() is not None:
            pytest.fail(f"the deliverer exited with {process.returncode}:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the deliverer did not get there:\n{log.read_text()}")
        time.sleep(0.05)


def keys_received(receiver: Receiver) -> Counter[str]:
    """How often each idempotency key reached the receiver."""
    return Counter(r.headers["Idempotency-Key"] for r in receiver.at("/kill"))


def test_a_killed_deliverer_loses_nothing_and_repeats_only_under_the_same_key(
    runtime: Runtime, tmp_path: Path
) -> None:
    url = runtime.database_url
    with receiving() as receiver:
        receiver.delay = 0.02  # slow enough that the kill lands mid-send
        desk = WebhookDesk(runtime.community, DeliveryQueueSql(runtime.pool), allow_private=True)
        created = desk.create(
            CreateWebhookSubscription(url=f"{receiver.url}/kill", event_types=["member.joined"])
        )
        seed_demo(runtime.community, MEMBERS, interactions=False)
        runner = ProjectionRunner(runtime.pool, runtime.community.mapper, WebhooksProjection())
        runner.catch_up()
        expected = {
            str(row[0]) for row in rows(url, "SELECT idempotency_key FROM webhook_deliveries")
        }
        assert len(expected) == MEMBERS

        first = start_deliverer(url, tmp_path, "first.log")
        try:
            wait_until(
                lambda: len(receiver.at("/kill")) >= MEMBERS // 3, first, tmp_path / "first.log"
            )
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=DEADLINE_SECONDS)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL
        assert len(keys_received(receiver)) < MEMBERS

        second = start_deliverer(url, tmp_path, "second.log")
        try:
            delivered = "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'"
            wait_until(lambda: scalar(url, delivered) == MEMBERS, second, tmp_path / "second.log")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=DEADLINE_SECONDS)

        received = keys_received(receiver)
        assert set(received) == expected  # none lost
        # Only what was out (or answered, not yet recorded) at the kill is sent again, and
        # under its own key: a receiver that keeps the keys it saw applies each once.
        repeated = sum(count - 1 for count in received.values())
        assert repeated <= 2 * PER_SUBSCRIPTION, received.most_common(10)
        for got in receiver.at("/kill"):
            assert got.json["id"] == got.headers["Idempotency-Key"]
            assert got.json["subscriptionId"] == str(created.subscription.id)
