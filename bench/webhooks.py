"""Webhook delivery lag at a steady write rate, beside two floors measured in the same run.

`python -m bench.webhooks --rate 1000 --seconds 10 --subscriptions 10 [--server URL]`

On a database of its own (created on --server, or CRM_DATABASE_URL's server, and dropped),
this process records interactions at `rate` per second while the webhooks projection (a
`ProjectionWorker` with that one runner) and the deliverer run in threads of it, and a
loopback receiver (also here) notes when each POST arrives. Every subscription takes
`interaction.recorded`, so `rate x subscriptions` POSTs per second are due. Reported:

- delivery lag: from an interaction's recording (its event's timestamp) to its arrival;
- outbox lag (floor 1, the projection lag): from the recording to the outbox row's commit;
- a bare POST loop (floor 2): as many POSTs of the same size from 16 threads to the
  same receiver, with httpx and nothing else: each POST's latency, and the rate reached.

With `--deliverer-process` the deliverer runs as `python -m api.cli webhooks deliver`, a
process of its own as in production, instead of sharing this process's GIL with the writer,
the projection and the receiver; its CPU time is then reported on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
from psycopg import sql

from api.webhook_wiring import webhook_deliverer
from application.members.demo import seed_demo
from application.migrations import apply_migrations
from application.runtime import Runtime
from application.settings import Settings
from application.webhooks.desk import WebhookDesk
from bench.measures import percentiles
from bench.webhook_receiver import Arrivals, receiver
from domain.interactions.commands import RecordInteraction
from domain.interactions.interaction import InteractionKind
from domain.values import Channel
from domain.webhooks.commands import CreateWebhookSubscription
from projections.engine import ProjectionRunner
from projections.webhooks.projection import WebhooksProjection
from projections.webhooks.queue import DeliveryQueueSql
from projections.worker import ProjectionWorker

SECRET = "bench-secret-key-that-is-long-enough-0123456789"
MEMBERS = 200
BARE_THREADS = 16
TICK = 0.01


def write_steadily(runtime: Runtime, rate: float, seconds: float) -> int:
    """Record interactions of random members at `rate` per second for `seconds`."""
    members = [uuid.UUID(str(r[0])) for r in _rows(runtime, "SELECT member_id FROM members")]
    if not members:
        members = _member_ids(runtime)
    chooser, tag, written = random.Random(7), uuid.uuid4().hex[:8], 0
    started = time.perf_counter()
    while (now := time.perf_counter()) - started < seconds:
        due = min(round((now - started) * rate) - written, 500)
        if due > 0:
            batch = [
                RecordInteraction(
                    member_id=chooser.choice(members),
                    channel=Channel.DISCORD,
                    kind=InteractionKind.MESSAGE,
                    occurred_at=datetime.now(UTC),
                    external_id=f"hooks-{tag}-{written + n}",
                )
                for n in range(due)
            ]
            runtime.community.record_interactions(batch, create_unknown_members=False)
            written += due
        time.sleep(TICK)
    return written


def bare_posts(url: str, count: int, threads: int, body: bytes) -> tuple[list[float], float]:
    """`count` POSTs from `threads` threads with one httpx client: latencies (ms), rate."""
    latencies: list[float] = []
    lock = threading.Lock()
    with httpx.Client(limits=httpx.Limits(max_connections=threads)) as client:

        def post(_: int) -> None:
            started = time.perf_counter()
            client.post(url, content=body, headers={"Content-Type": "application/json"})
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(post, range(count)))
        elapsed = time.perf_counter() - started
    return latencies, count / elapsed


def main() -> None:
    """Run the measure and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--subscriptions", type=int, default=10)
    parser.add_argument("--drain-seconds", type=float, default=120)
    parser.add_argument("--server", default=os.environ.get("CRM_DATABASE_URL"))
    parser.add_argument("--database-prefix", default="crm_hooks_bench")
    parser.add_argument("--deliverer-process", action="store_true")
    args = parser.parse_args()
    assert args.server, "--server or CRM_DATABASE_URL: a PostgreSQL server to create a database on"
    name = f"{args.database_prefix}_{os.getpid()}"
    _admin(args.server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        print(json.dumps(measure(args, _url(args.server, name)), indent=2))
    finally:
        _admin(args.server, sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def measure(args: argparse.Namespace, url: str) -> dict[str, Any]:
    """Subscriptions, steady writes, delivery and outbox lag; then the bare POST loop."""
    apply_migrations(url)
    settings = Settings(
        _env_file=None,
        database_url=url,
        secret_key=SECRET,
        environment="test",
        log_level="warning",
        webhooks_allow_private_addresses=True,
        webhooks_poll_seconds=0.2,
        projection_poll_seconds=0.2,
    )
    runtime = Runtime.start(settings)
    arrivals = Arrivals()
    server, base = receiver(arrivals)
    try:
        seed_demo(runtime.community, MEMBERS, interactions=False)
        desk = WebhookDesk(runtime.community, DeliveryQueueSql(runtime.pool), allow_private=True)
        for n in range(args.subscriptions):
            command = CreateWebhookSubscription(
                url=f"{base}/s{n}", event_types=["interaction.recorded"]
            )
            desk.create(command)
        runner = ProjectionRunner(
            runtime.pool, runtime.community.mapper, WebhooksProjection(), batch_size=500
        )
        runner.catch_up()
        worker = ProjectionWorker(runtime.database_url, [runner], poll_seconds=0.2)
        deliverer = Deliverer(runtime, url, process=args.deliverer_process)
        worker.start()
        cpu_before, load = _cpu(), os.getloadavg()[0]
        writes_started = time.perf_counter()
        written = write_steadily(runtime, args.rate, args.seconds)
        expected = written * args.subscriptions
        deadline = time.monotonic() + args.drain_seconds
        while arrivals.count < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        cpu, arrived = _cpu() - cpu_before, arrivals.count
        drained = time.monotonic() - (deadline - args.drain_seconds)
        sending = max(arrivals.last - writes_started, 1e-9)
        worker.stop()
        deliverer_cpu = deliverer.stop()
        outbox = _rows(
            runtime,
            "SELECT extract(epoch FROM recorded_at - occurred_at) * 1000 FROM webhook_deliveries",
        )
        body = json.dumps({"type": "interaction.recorded", "data": {"x": "y" * 200}}).encode()
        threads = BARE_THREADS
        bare, bare_rate = bare_posts(f"{base}/bare", min(expected, 20_000), threads, body)
    finally:
        server.shutdown()
        runtime.close()
    return {
        "rate_per_second": args.rate,
        "seconds": args.seconds,
        "subscriptions": args.subscriptions,
        "events_written": written,
        "deliveries_due": expected,
        "deliveries_arrived": arrived,
        "seconds_to_drain_after_writes": round(drained, 1),
        "deliveries_per_second": round(arrived / sending),
        "delivery_lag_ms": percentiles([lag * 1000 for lag in arrivals.lags]),
        "outbox_lag_ms": percentiles([float(r[0]) for r in outbox]),
        "bare_post_ms": percentiles(bare),
        "bare_posts_per_second": round(bare_rate),
        "cpu_seconds_this_process": round(cpu, 1),
        "cpu_ms_per_delivery": round(cpu * 1000 / max(arrived, 1), 2),
        "deliverer": "own process" if args.deliverer_process else "threads of this process",
        "deliverer_cpu_seconds": None if deliverer_cpu is None else round(deliverer_cpu, 1),
        "deliverer_cpu_ms_per_delivery": None
        if deliverer_cpu is None
        else round(deliverer_cpu * 1000 / max(arrived, 1), 3),
        "load_average_before": load,
        "load_average_after": os.getloadavg()[0],
    }


class Deliverer:
    """The deliverer under measure: threads of this process, or a process of its own."""

    def __init__(self, runtime: Runtime, url: str, *, process: bool) -> None:
        self.threads = None if process else webhook_deliverer(runtime)
        self.process = None
        if self.threads is not None:
            self.threads.start()
            return
        env = {
            **os.environ,
            "CRM_DATABASE_URL": url,
            "CRM_SECRET_KEY": SECRET,
            "CRM_ENVIRONMENT": "test",
            "CRM_LOG_LEVEL": "warning",
            "CRM_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
            "CRM_WEBHOOKS_POLL_SECONDS": "0.2",
            "CRM_POOL_SIZE": "4",
        }
        command = [sys.executable, "-m", "api.cli", "webhooks", "deliver"]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)

    def stop(self) -> float | None:
        """Stop it; the CPU seconds of its own process, if it had one."""
        if self.threads is not None:
            self.threads.stop()
            return None
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        _, _, usage = os.wait4(self.process.pid, 0)
        return usage.ru_utime + usage.ru_stime


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _member_ids(runtime: Runtime) -> list[uuid.UUID]:
    rows = _rows(
        runtime,
        "SELECT DISTINCT originator_id FROM community_events WHERE topic = 'crm.member.Joined'",
    )
    return [uuid.UUID(str(r[0])) for r in rows]


def _rows(runtime: Runtime, query: str) -> list[tuple[Any, ...]]:
    with runtime.pool.connection() as conn:
        try:
            return list(conn.execute(query).fetchall())
        except psycopg.errors.UndefinedTable:
            return []


def _admin(server: str, statement: sql.Composed) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(statement)


def _url(server: str, name: str) -> str:
    from application.embedded import database_url

    return database_url(server, name)


if __name__ == "__main__":
    main()
