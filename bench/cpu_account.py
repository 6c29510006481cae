"""CPU seconds per kind of process while a benchmark runs: ours, PostgreSQL's, the bench's.

A target missed on two cores is argued with CPU per unit (per record, per event, per
command): how much of the machine each side used for each unit of work. Processes are read
from /proc every `interval` seconds; a process that ends keeps its last reading, so at most
one interval of its CPU is lost, and one that lives less than an interval may be missed
("machine busy" counts every process, seen or not). Children count toward the nearest
ancestor that has a kind (the import's worker processes toward `crm import`).

    python -m bench.cpu_account --log cpu.jsonl     # beside a run, until interrupted
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.measures import machine_busy_seconds

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Process:
    """One process as /proc shows it."""

    parent: int
    command: list[str]
    seconds: float
    started: int  # clock ticks after boot: with the pid, names the process for good


def kind(command: list[str]) -> str | None:
    """What a command line is, or None to look at its parent."""
    if not command:
        return None
    # A backend rewrites its command line into one string, "postgres: 16/main: …".
    if command[0].startswith("postgres:") or os.path.basename(command[0]) == "postgres":
        return "postgres"
    # `crm serve --workers N` replaces itself with uvicorn's supervisor of the API app.
    if any(part.startswith("api.app:") for part in command[:6]):
        return "crm serve"
    if "api.cli" in command:
        after = command[command.index("api.cli") + 1 :]
        name = "crm " + (after[0] if after else "")
        for option in ("--only", "--skip"):
            if option in after[:-1]:
                name += f" {option} {after[after.index(option) + 1]}"
        return name
    if "bench.cpu_account" in command[:4]:
        return "cpu account"
    if any(part.startswith("bench.") for part in command[:4]):
        return "bench"
    return None


def _read(pid: int) -> Process | None:
    """The process's parent, command line and CPU seconds so far, if it still exists."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    # Fields 4 (ppid), 14 (utime), 15 (stime) and 22 (starttime) of proc(5), from after
    # the name.
    seconds = (int(fields[11]) + int(fields[12])) / TICK
    command = [part.decode(errors="replace") for part in raw.split(b"\0") if part]
    return Process(int(fields[1]), command, seconds, int(fields[19]))


def snapshot() -> dict[int, Process]:
    """Every process now."""
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (process := _read(int(entry.name))):
            found[int(entry.name)] = process
    return found


@dataclass
class CpuAccount:
    """Keeps CPU seconds per kind of process, polling /proc in a thread of its own."""

    interval: float = 2.0
    # (pid, start) -> (kind, CPU seconds): a process keeps the kind it was first seen with,
    # when it replaces its program or is adopted by init after its parent ends.
    _last: dict[tuple[int, int], tuple[str, float]] = field(default_factory=dict)
    _busy_at_start: float = field(default_factory=machine_busy_seconds)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def poll(self) -> None:
        """Read every process once and remember each one's CPU under its kind."""
        processes = snapshot()
        with self._lock:
            for pid, process in processes.items():
                key = (pid, process.started)
                known = self._last.get(key)
                name = known[0] if known else _kind_of(pid, processes)
                self._last[key] = (name, process.seconds)

    def totals(self) -> dict[str, float]:
        """CPU seconds per kind since the account started, and the whole machine's."""
        self.poll()
        with self._lock:
            totals: dict[str, float] = {}
            for name, seconds in self._last.values():
                totals[name] = totals.get(name, 0.0) + seconds
        totals["machine busy"] = machine_busy_seconds() - self._busy_at_start
        return {name: round(seconds, 1) for name, seconds in sorted(totals.items())}

    def start(self) -> CpuAccount:
        """Poll in the background until `stop`."""
        self.poll()
        threading.Thread(target=self._loop, name="cpu-account", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop polling."""
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()


def _kind_of(pid: int, processes: dict[int, Process]) -> str:
    """The kind of the process or of its nearest ancestor that has one."""
    seen = 0
    while pid in processes and seen < 64:
        if found := kind(processes[pid].command):
            return found
        pid, seen = processes[pid].parent, seen + 1
    return "other"


def difference(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    """CPU seconds per kind between two totals (kinds that used none are left out)."""
    used = {name: round(after[name] - before.get(name, 0.0), 1) for name in after}
    return {name: seconds for name, seconds in used.items() if seconds > 0}


def main() -> None:
    """Write the totals as a JSON line every few seconds until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", required=True, help="JSON lines file to append to.")
    parser.add_argument("--every", type=float, default=10.0, help="Seconds between lines.")
    args = parser.parse_args()
    account = CpuAccount().start()
    with Path(args.log).open("a") as log:
        while True:
            time.sleep(args.every)
            line = {"at": datetime.now(UTC).isoformat(), "cpu_seconds": account.totals()}
            log.write(json.dumps(line) + "\n")
            log.flush()


if __name__ == "__main__":
    main()
