"""What every benchmark section shares: the database, `crm` processes, timings, memory."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
from psycopg.conninfo import conninfo_to_dict

from application.embedded import database_url
from bench.measures import peak_rss_mb

BENCH_DATABASE = "crm_bench"
# A fixed secret: the benchmark database is thrown away, and runs must be repeatable.
BENCH_SECRET = "benchmark-secret-not-for-production-use-0123456789"


@dataclass
class Bench:
    """One run: where the database is, how big the community is, where files go."""

    database_url: str
    workdir: Path
    members: int
    interactions: int
    quick: bool
    scale: float
    results: dict[str, Any] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        """Environment of the `crm` processes the benchmark starts."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRM_")}
        env.update(
            CRM_DATABASE_URL=self.database_url,
            CRM_DATA_DIR=str(self.workdir / "data"),
            CRM_SECRET_KEY=BENCH_SECRET,
            CRM_LOG_LEVEL="warning",
            # The benchmarks measure what the server can do; per-key rate limits would
            # measure the limits instead (a client over them gets 429s).
            CRM_RATE_LIMITS_ENABLED="false",
        )
        return env

    def connect(self) -> psycopg.Connection[Any]:
        """An autocommit connection to the benchmark database."""
        return psycopg.connect(self.database_url, autocommit=True)


def recreate_database(server_url: str, name: str = BENCH_DATABASE) -> str:
    """Drop and create the benchmark database on this server; returns its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(server_url, name)


def bench_database(name: str, *, reuse: bool) -> str:
    """The benchmark database on CRM_DATABASE_URL's server, created afresh unless reused."""
    server_url = os.environ.get("CRM_DATABASE_URL")
    if not server_url:
        sys.exit("set CRM_DATABASE_URL to a PostgreSQL server (a database is created there)")
    return database_url(server_url, name) if reuse else recreate_database(server_url, name)


@dataclass
class Finished:
    """A `crm` command that ran to its end."""

    seconds: float
    peak_rss_mb: float
    output: str
    # User and system CPU of the process and the processes it waited for (its workers).
    cpu_seconds: float = 0.0


def crm(bench: Bench, *args: str, check: bool = True, log_level: str | None = None) -> Finished:
    """Run `crm ARGS` to completion; measures wall time and the process's peak memory.

    Its output goes to crm-COMMAND.log in the work directory, kept after the run (the
    rebuild's log times each projection and each step of health's finish).
    """
    log = bench.workdir / f"crm-{args[0] if args else 'help'}.log"
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [*_crm_command(), *args],
            env={**bench.env, **({"CRM_LOG_LEVEL": log_level} if log_level else {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    output = log.read_text(errors="replace")
    if check and process.returncode != 0:
        raise RuntimeError(f"crm {' '.join(args)} failed ({process.returncode}):\n{output}")
    # ru_maxrss is in kilobytes on Linux.
    return Finished(seconds, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime)


class Service:
    """A long-running `crm` process (server or worker) whose peak memory is read at stop."""

    def __init__(self, bench: Bench, *args: str, name: str) -> None:
        self.bench = bench
        self.args = args
        self.log = bench.workdir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.peak_rss_mb = 0.0

    def start(self) -> Service:
        """Start the process in the background."""
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*_crm_command(), *self.args],
                env=self.bench.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def stop(self) -> None:
        """Read the peak memory (the largest of the process and its children), then stop the
        process with SIGTERM."""
        if self.process is None or self.process.poll() is not None:
            return
        self.peak_rss_mb = max(peak_rss_mb(pid) for pid in self.pids())
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def pid(self) -> int:
        """The process id (the process must have been started)."""
        assert self.process is not None
        return self.process.pid

    def pids(self) -> list[int]:
        """The process and its children (a supervisor's server processes), while running."""
        try:
            children = psutil.Process(self.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return [self.pid]
        return [self.pid, *(child.pid for child in children)]

    def check_alive(self) -> None:
        """Fail with the process's log if it has exited."""
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"{' '.join(self.args)} exited:\n{self.log.read_text()}")


@contextmanager
def server(bench: Bench, *, projections: bool, workers: int = 1) -> Iterator[tuple[str, Service]]:
    """`crm serve` on a free port (`workers` server processes); yields its base URL once
    healthy."""
    port = free_port()
    args = ["serve", "--port", str(port)]
    if not projections:
        args.append("--no-projections")
    if workers > 1:
        # Several server processes would each send webhooks: production runs one deliverer.
        args += ["--workers", str(workers), "--no-webhooks"]
    service = Service(bench, *args, name="serve").start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            service.check_alive()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"crm serve never became healthy:\n{service.log.read_text()}")
            time.sleep(0.2)
        yield url, service
    finally:
        service.stop()


def api_key(bench: Bench, role: str = "admin") -> str:
    """A fresh API key of this role."""
    finished = crm(bench, "apikey", "create", "--role", role, "--name", f"bench-{role}")
    found = re.search(r"^(crm_\S+)$", finished.output, re.MULTILINE)
    if not found:
        raise RuntimeError(f"no key printed:\n{finished.output}")
    return found.group(1)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _crm_command() -> list[str]:
    """`crm` as this checkout's code: the console script runs whichever copy is installed."""
    return [sys.executable, "-m", "api.cli"]


def open_runtime(bench: Bench) -> Any:
    """The application in this process, on the benchmark database."""
    from application.runtime import Runtime
    from application.settings import Settings

    settings = Settings(
        database_url=bench.database_url,
        data_dir=bench.workdir / "data",
        secret_key=BENCH_SECRET,
        log_level="warning",
    )
    return Runtime.start(settings)


def catch_up_projections(bench: Bench, names: Collection[str] | None = None) -> None:
    """Bring the named projections (default: all) to the head of the log, so reads see
    the whole community."""
    from api.projection_wiring import build_runners
    from projections.catch_ups import catch_up_together

    runtime = open_runtime(bench)
    try:
        runners = build_runners(runtime, batch_size=runtime.settings.projection_catch_up_batch_size)
        catch_up_together([r for r in runners if names is None or r.name in names])
    finally:
        runtime.close()


def library_env(database_url: str) -> dict[str, str]:
    """Environment of a plain eventsourcing application on this PostgreSQL database."""
    params = conninfo_to_dict(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(params.get("dbname")),
        "POSTGRES_HOST": str(params.get("host") or "localhost"),
        "POSTGRES_PORT": str(params.get("port") or "5432"),
        "POSTGRES_USER": str(params.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(params.get("password") or ""),
        "CREATE_TABLE": "y",
    }
