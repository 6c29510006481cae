"""What a benchmark run's figures were measured on: cores, memory, Python, PostgreSQL."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

from bench.harness import Bench


def describe(bench: Bench) -> dict[str, Any]:
    """What the numbers were measured on."""
    with bench.connect() as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in (
                "server_version",
                "shared_buffers",
                "work_mem",
                "maintenance_work_mem",
                "effective_cache_size",
                "max_wal_size",
                "synchronous_commit",
                "fsync",
                "autovacuum",
            )
        }
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "postgresql": settings,
        "database": "embedded" if "CRM_DATABASE_URL" not in os.environ else "CRM_DATABASE_URL",
    }


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()
