"""Render a results file as the Markdown tables of BENCHMARKS.md: ratios first.

python -m bench.report bench/results/20261121T200000Z.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.command_clients import CLIENTS

READS = ("at_risk_members", "top_members", "member_page", "members_search")


def render(results: dict[str, Any]) -> str:
    """The ratio table, the reads, memory, CPU per section and the machine, as Markdown."""
    parts = [_ratios(results), _reads(results), _memory(results), _cpu(results)]
    return "\n\n".join([part for part in parts if part] + [_machine(results)])


def _ratios(r: dict[str, Any]) -> str:
    ingest, rebuild, commands, lag = r["ingest"], r["rebuild"], r["commands"], r["lag"]
    rows = [
        (
            "Bulk ingest, file to event store",
            f"{ingest['records_per_s']:,} records/s ({ingest['workers']} processes)",
            f"library batched save() {ingest['library_batched_save_per_s']:,}/s",
            f"{ingest['ratio_vs_library_save']}×",
            "≥ 50,000/s",
            _met(ingest["target_met"]),
        ),
        (
            "… against the ceiling",
            f"{ingest['records_per_s']:,} records/s",
            f"binary COPY, plain table {ingest['binary_copy_per_s']:,}/s",
            f"{ingest['share_of_binary_copy']}×",
            "",
            "",
        ),
        (
            f"Commands over HTTP, {CLIENTS} clients",
            f"{commands['http']['mutations_per_s']:,} mutations/s,"
            f" p99 {commands['http']['p99_ms']} ms",
            f"library one-event save() {commands['library_save']['saves_per_s']:,}/s",
            f"{commands['http_mutations_vs_library_save']}×",
            "≥ 1,000/s, p99 < 50 ms",
            _met(all(commands["targets_met"].values())),
        ),
        (
            "Commands in the application, 1 caller",
            f"{commands['application']['commands_per_s']:,} commands/s,"
            f" p99 {commands['application']['p99_ms']} ms",
            f"library one-event save() {commands['library_save']['saves_per_s']:,}/s",
            f"{commands['app_commands_vs_library_save']}×",
            "",
            "",
        ),
        (
            "Projection rebuild, whole log",
            f"{rebuild['events_per_s']:,} events/s",
            f"one event per transaction {rebuild['per_event_baseline_per_s']:,}/s",
            f"{rebuild['ratio_vs_per_event']}×",
            "≥ 100,000/s",
            _met(rebuild["target_met"]),
        ),
        (
            "Live lag at 1,000 events/s",
            f"p50 {lag['save_to_visible']['p50_ms']} ms, p99 {lag['save_to_visible']['p99_ms']} ms",
            f"commit seen in the log p50 {lag['floor_save_to_head']['p50_ms']} ms",
            f"{lag['ratio_vs_floor_p50']}× the floor",
            "p50 < 10 ms, p99 < 100 ms",
            _met(lag["p50_target_met"] and lag["p99_target_met"]),
        ),
    ]
    if "lag_split" in r and "save_to_visible" in r["lag_split"]:
        split = r["lag_split"]
        rows.append(
            (
                "… with `engagement` in a worker process of its own",
                f"p50 {split['save_to_visible']['p50_ms']} ms,"
                f" p99 {split['save_to_visible']['p99_ms']} ms",
                f"commit seen in the log p50 {split['floor_save_to_head']['p50_ms']} ms",
                f"{split['ratio_vs_floor_p50']}× the floor",
                "p50 < 10 ms, p99 < 100 ms",
                _met(split["p50_target_met"] and split["p99_target_met"]),
            )
        )
    header = "| measure | ours | baseline (same run) | ratio | target | met |"
    lines = [header, "|---|---|---|---|---|---|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def _reads(r: dict[str, Any]) -> str:
    reads = r["reads"]
    lines = [
        "| read | SQL p50 / p95 / p99 ms | HTTP p50 / p95 / p99 ms | HTTP ÷ SQL (p50) | met |",
        "|---|---|---|---|---|",
    ]
    for name in READS:
        sql, http = reads["sql"][name], reads["http"][name]
        met = reads["targets_met"]["sql"][name] and reads["targets_met"]["http"][name]
        lines.append(
            f"| {name} | {sql['p50_ms']} / {sql['p95_ms']} / {sql['p99_ms']}"
            f" | {http['p50_ms']} / {http['p95_ms']} / {http['p99_ms']}"
            f" | {reads['http_over_sql_p50'][name]}× | {_met(met)} |"
        )
    return "\n".join(lines)


def _memory(r: dict[str, Any]) -> str:
    peaks = {
        "import (each process)": r["ingest"]["import_peak_rss_mb"],
        "rebuild": r["rebuild"]["rebuild_peak_rss_mb"],
        "evaluate": r["evaluate"]["peak_rss_mb"],
        "worker": r["lag"]["worker_peak_rss_mb"],
        "server (reads)": r["reads"]["server_peak_rss_mb"],
        "server (commands)": r["commands"]["server_peak_rss_mb"],
    }
    lines = ["| process | peak RSS (MB) | under 300 MB |", "|---|---|---|"]
    lines += [f"| {name} | {mb} | {_met(mb < 300)} |" for name, mb in peaks.items()]
    return "\n".join(lines)


def _cpu(r: dict[str, Any]) -> str:
    """CPU seconds per section: ours (every crm process), PostgreSQL's, the bench's clients.

    Empty for results measured before sections kept a CPU account.
    """
    lines = [
        "| section | wall s | ours (crm) CPU s | PostgreSQL CPU s | bench CPU s | machine busy s |",
        "|---|---|---|---|---|---|",
    ]
    for name, section in r.items():
        if not isinstance(section, dict) or "cpu_seconds" not in section:
            continue
        cpu = section["cpu_seconds"]
        ours = sum(seconds for kind, seconds in cpu.items() if kind.startswith("crm "))
        lines.append(
            f"| {name} | {section['section_seconds']} | {ours:.1f} | {cpu.get('postgres', 0.0)}"
            f" | {cpu.get('bench', 0.0)} | {cpu.get('machine busy', 0.0)} |"
        )
    return "\n".join(lines) if len(lines) > 2 else ""


def _machine(r: dict[str, Any]) -> str:
    machine = r["machine"]
    pg = machine["postgresql"]
    settings = ", ".join(f"{k} {v}" for k, v in pg.items() if k != "server_version")
    return (
        f"- {machine['cpus']} cores ({machine['cpu_model']}), {machine['memory_gib']} GiB,"
        f" {machine['platform']}, Python {machine['python']}\n"
        f"- PostgreSQL {pg['server_version']} on the same host: {settings}\n"
        f"- {r['members']:,} members, {r['interactions']:,} interactions;"
        f" run started {r['started_at']}, took {r['total_seconds']} s"
    )


def _met(value: bool) -> str:
    return "yes" if value else "**no**"


def main() -> None:
    """Print the tables of one results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    print(render(json.loads(parser.parse_args().results.read_text())))


if __name__ == "__main__":
    main()
