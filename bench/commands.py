"""Commands: recordInteraction over HTTP and in-process, beside the library's one-event save().

Loops of the same length on the same database: `crm serve` with its projections driven
by concurrent clients, first with recordInteraction, then with tagMember and untagMember
(each answer reads its own write back), and recordInteraction again as production runs
the server (several server processes, the projection worker apart); the Community
application called in-process,
one record per command and transaction; and a plain eventsourcing application saving
one new aggregate per call.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from application.interactions.recording import ACCEPTED
from bench.command_clients import CLIENTS, clients, interactions
from bench.harness import Bench, Service, api_key, library_env, open_runtime, server
from bench.loops import Loop, timed_loop
from bench.measures import cpu_seconds, machine_busy_seconds, percentiles, ratio
from domain.interactions.commands import RecordInteraction

QUICK_SECONDS = 1.5
FULL_SECONDS = 30.0
QUICK_WARM_UP_SECONDS = 0.5
FULL_WARM_UP_SECONDS = 3.0
MEMBER_SAMPLE = 1_000
MAX_ERROR_SHARE = 0.01
TARGET_MUTATIONS_PER_S = 1_000
TARGET_P99_MS = 50.0
# Server processes of the production serving loop: one per core of this machine.
PRODUCTION_SERVERS = max(2, os.cpu_count() or 1)


class Started(Aggregate):
    """The baseline's aggregate: created by one event, nothing else."""

    @event("Started")
    def __init__(self, n: int) -> None:
        self.n = n


class SaveBaseline(Application[Any]):
    """The eventsourcing library as it comes, in its own table (savebaseline_events)."""

    name = "SaveBaseline"


def run(bench: Bench) -> dict[str, Any]:
    """The library baseline, the application in-process, then HTTP mutations; with ratios."""
    seconds = QUICK_SECONDS if bench.quick else FULL_SECONDS
    warm_up = QUICK_WARM_UP_SECONDS if bench.quick else FULL_WARM_UP_SECONDS
    members = _member_ids(bench)
    token = uuid.uuid4().hex[:12]
    baseline = _baseline(bench, seconds, warm_up)
    application = _application(bench, members, f"{token}-app", seconds, warm_up)
    http, tags, peak_rss_mb, load = _http(bench, members, f"{token}-http", seconds, warm_up)
    production = _http_production(bench, members, f"{token}-prod", seconds, warm_up)
    _check_failures("HTTP recordInteraction", http)
    _check_failures("HTTP tagMember", tags)
    _check_failures("HTTP recordInteraction, production serving", production[0])
    _check_failures("record_interactions", application)
    _check_failures("library save()", baseline)
    http_p99 = percentiles(http.latencies_ms).get("p99_ms")
    return {
        "http_mutations_vs_library_save": ratio(http.rate, baseline.rate),
        "app_commands_vs_library_save": ratio(application.rate, baseline.rate),
        "targets": {"http_mutations_per_s": TARGET_MUTATIONS_PER_S, "http_p99_ms": TARGET_P99_MS},
        "targets_met": {
            "http_mutations_per_s": http.rate >= TARGET_MUTATIONS_PER_S,
            "http_p99_ms": http_p99 is not None and http_p99 < TARGET_P99_MS,
        },
        "seconds_per_loop": seconds,
        "http": {"clients": CLIENTS, **http.summary("mutations"), **load["interactions"]},
        "http_member_tags": {
            "clients": CLIENTS,
            **tags.summary("mutations"),
            **load["tags"],
        },
        "application": {"clients": 1, **application.summary("commands")},
        "library_save": {"clients": 1, **baseline.summary("saves")},
        "server_peak_rss_mb": round(peak_rss_mb, 1),
        "http_production": {
            "clients": CLIENTS,
            "server_processes": PRODUCTION_SERVERS,
            **production[0].summary("mutations"),
            **production[1],
        },
    }


def _member_ids(bench: Bench) -> list[UUID]:
    """A sample of active members to record interactions for."""
    with bench.connect() as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT member_id FROM members WHERE status = 'active' ORDER BY random() LIMIT %s",
                (MEMBER_SAMPLE,),
            )
        ]
    if not ids:
        raise RuntimeError("commands: the benchmark database has no active members")
    return ids


def _check_failures(what: str, loop: Loop) -> None:
    """Fail when more than 1% of the operations failed (or none succeeded)."""
    total = loop.errors + len(loop.latencies_ms)
    if not loop.latencies_ms or loop.errors > MAX_ERROR_SHARE * total:
        raise RuntimeError(f"{what}: {loop.errors} of {total} failed: {loop.error_samples}")


# The library's baseline: one new aggregate, one event, one save() per call.


def _baseline(bench: Bench, seconds: float, warm_up: float) -> Loop:
    """saves/s of the eventsourcing library's own save() with one event each."""
    app = SaveBaseline(env=library_env(bench.database_url))
    try:

        def save(n: int) -> None:
            app.save(Started(n))

        timed_loop(save, warm_up)
        return timed_loop(save, seconds)
    finally:
        app.close()


# The application in-process: one RecordInteraction per command and transaction.


def _application(
    bench: Bench, members: list[UUID], prefix: str, seconds: float, warm_up: float
) -> Loop:
    """commands/s of Community.record_interactions with one record per call."""
    runtime = open_runtime(bench)
    records = interactions(members, prefix)
    try:

        def record(n: int) -> str | None:
            command = RecordInteraction(**next(records))
            report = runtime.community.record_interactions([command], create_unknown_members=False)
            if report.outcomes != [ACCEPTED]:
                return f"outcomes {report.outcomes}: {report.rejections}"
            return None

        timed_loop(record, warm_up)
        return timed_loop(record, seconds)
    finally:
        runtime.close()


# Over HTTP: concurrent clients against `crm serve` with its projections running.


def _http(
    bench: Bench, members: list[UUID], prefix: str, seconds: float, warm_up: float
) -> tuple[Loop, Loop, float, dict[str, Any]]:
    """recordInteraction, then tagMember/untagMember, mutations/s from concurrent clients;
    the server's peak RSS; and what the server did meanwhile: its CPU, and how many
    transactions wrote the events."""
    key = api_key(bench, "admin")
    with server(bench, projections=True) as (base_url, service):
        clients(base_url, key, members, f"{prefix}-warm", warm_up)
        interactions, interactions_load = _measured(
            bench, service.pids(), lambda: clients(base_url, key, members, prefix, seconds)
        )
        tags, tags_load = _measured(
            bench,
            service.pids(),
            lambda: clients(base_url, key, members, prefix, seconds, tags=True),
        )
        service.check_alive()
    return (
        interactions,
        tags,
        service.peak_rss_mb,
        {"interactions": interactions_load, "tags": tags_load},
    )


def _http_production(
    bench: Bench, members: list[UUID], prefix: str, seconds: float, warm_up: float
) -> tuple[Loop, dict[str, Any]]:
    """recordInteraction as README's production serving runs it: `crm serve --workers N
    --no-projections` beside `crm worker`; the server's figures cover all its processes."""
    key = api_key(bench, "admin")
    worker = Service(bench, "worker", name="worker-production").start()
    try:
        with server(bench, projections=False, workers=PRODUCTION_SERVERS) as (base_url, service):
            clients(base_url, key, members, f"{prefix}-warm", warm_up)
            worker_before = cpu_seconds(worker.pid)
            loop, load = _measured(
                bench, service.pids(), lambda: clients(base_url, key, members, prefix, seconds)
            )
            worker_cpu = cpu_seconds(worker.pid) - worker_before
            service.check_alive()
            worker.check_alive()
    finally:
        worker.stop()
    load["worker_cpu_share"] = round(worker_cpu / loop.seconds, 2)
    load["server_processes_peak_rss_mb"] = round(service.peak_rss_mb, 1)
    load["worker_peak_rss_mb"] = round(worker.peak_rss_mb, 1)
    return loop, load


def _measured(
    bench: Bench, pids: list[int], loop: Callable[[], Loop]
) -> tuple[Loop, dict[str, Any]]:
    """The loop's result, with the server's CPU (all its processes) and the write
    transactions meanwhile."""
    head, cpu, machine = _head(bench), cpu_seconds(*pids), machine_busy_seconds()
    clients = cpu_seconds(os.getpid())
    result = loop()
    server_cpu = cpu_seconds(*pids) - cpu
    return result, {
        # Cores busy on average: the clients share the machine with the server.
        "server_cpu_share": round(server_cpu / result.seconds, 2),
        "server_cpu_ms_per_mutation": round(1000 * server_cpu / max(result.count, 1), 2),
        "clients_cpu_share": round((cpu_seconds(os.getpid()) - clients) / result.seconds, 2),
        "machine_cpu_share": round((machine_busy_seconds() - machine) / result.seconds, 2),
        **_write_transactions(bench, head),
    }


def _head(bench: Bench) -> int:
    with bench.connect() as conn:
        row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM community_events")
        return int(row.fetchone()[0])  # type: ignore[index]


def _write_transactions(bench: Bench, after: int) -> dict[str, Any]:
    """Events written after `after`, and by how many transactions (their distinct xmin)."""
    with bench.connect() as conn:
        events, transactions = conn.execute(
            "SELECT count(*), count(DISTINCT xmin::text) FROM community_events"
            " WHERE notification_id > %s",
            (after,),
        ).fetchone()  # type: ignore[misc]
    return {
        "events_written": events,
        "write_transactions": transactions,
        "events_per_transaction": round(events / transactions, 1) if transactions else None,
    }
