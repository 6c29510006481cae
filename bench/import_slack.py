"""Slack import speed: `crm import slack` on a generated export, beside its baselines.

    CRM_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python -m bench.import_slack [--size-mb 1024 | --quick] [--output result.json]

Writes a Slack-shaped workspace export ZIP of about --size-mb megabytes of JSON (made-up
users, 20 channels, threads, reactions, joins, bots, edits and tombstones), then measures,
each in its own process: the bare parse (the parser alone, nothing written), the import
into a fresh database, and the existing NDJSON ingest (`crm import interactions`) of the
same messages into another fresh database. Messages per second and each process's peak
resident memory are reported. Target: >= 50,000 messages/s, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.harness import Bench, bench_database, crm

TARGET_MESSAGES_PER_SECOND = 50_000
TARGET_RSS_MB = 300
USERS = 2_000
CHANNELS = 20
START = datetime(2025, 1, 1, tzinfo=UTC)


def generate(folder: Path, size_mb: int, seed: int = 7) -> tuple[Path, Path, int]:
    """The export ZIP, an NDJSON file of its messages, and how many messages it holds."""
    rng = random.Random(seed)
    zip_path, ndjson_path = folder / "slack-export.zip", folder / "messages.ndjson"
    budget, written, messages, day = size_mb * 1_000_000, 0, 0, 0
    users = [f"U{n:08d}" for n in range(USERS)]
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        listing = [
            {
                "id": u,
                "name": f"user{n}",
                "real_name": f"User {n}",
                "deleted": n % 97 == 0,
                "is_bot": n % 500 == 0,
                "profile": {"display_name": f"User {n}", "email": f"user{n}@example.org"},
            }
            for n, u in enumerate(users)
        ]
        archive.writestr("users.json", json.dumps(listing, indent=4))
        channels: list[dict[str, Any]] = [
            {"id": f"C{n:08d}", "name": f"channel-{n}", "is_general": n == 0}
            for n in range(CHANNELS)
        ]
        archive.writestr("channels.json", json.dumps(channels, indent=4))
        with ndjson_path.open("w") as ndjson:
            while written < budget:
                when = START + timedelta(days=day)
                for channel in channels:
                    batch = _day(rng, users, when, 120)
                    data = json.dumps(batch, indent=4)
                    archive.writestr(f"{channel['name']}/{when.date().isoformat()}.json", data)
                    written += len(data)
                    messages += _ndjson(ndjson, channel["id"], batch)
                day += 1
    return zip_path, ndjson_path, messages


def _day(rng: random.Random, users: list[str], when: datetime, count: int) -> list[Any]:
    """One channel's day: messages, a thread with replies, reactions, now and then a join."""
    day: list[Any] = []
    base = when.timestamp()
    thread = f"{base + 1:.6f}"
    for n in range(count):
        ts = f"{base + n * 60 + 1:.6f}"
        user = rng.choice(users)
        item: dict[str, Any] = {
            "client_msg_id": f"{rng.getrandbits(64):016x}",
            "type": "message",
            "text": "lorem ipsum " * rng.randint(2, 20),
            "user": user,
            "ts": ts,
            "team": "T00000001",
            "user_team": "T00000001",
            "source_team": "T00000001",
            "user_profile": {"real_name": user, "display_name": user},
        }
        if n == 0:
            item.update(thread_ts=thread, reply_count=5, reply_users_count=3)
        elif n <= 5:
            item["thread_ts"] = thread
        if rng.random() < 0.1:
            item["reactions"] = [{"name": "+1", "users": rng.sample(users, 2), "count": 2}]
        if rng.random() < 0.02:
            item = {
                "type": "message",
                "subtype": "channel_join",
                "user": user,
                "ts": ts,
                "text": f"<@{user}> has joined the channel",
            }
        day.append(item)
    return day


def _ndjson(out: Any, channel: str, day: list[Any]) -> int:
    """The day's messages as flat interaction records; how many messages they are."""
    count = 0
    for item in day:
        if item.get("subtype"):
            continue
        when = datetime.fromtimestamp(float(item["ts"]), UTC).isoformat()
        record = {
            "identity_channel": "slack",
            "identity_handle": item["user"],
            "channel": "slack",
            "kind": "message",
            "occurred_at": when,
            "external_id": f"{channel}:{item['ts']}",
        }
        out.write(json.dumps(record) + "\n")
        count += 1
    return count


def parse_only(path: Path) -> None:
    """Child process: run the parser alone; print records, seconds and peak RSS as JSON."""
    from application.importers.slack import parse

    started = time.perf_counter()
    records = sum(1 for _ in parse(path))
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"records": records, "seconds": seconds, "peak_rss_mb": rss}))


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Generate, then run the three measurements; the results."""
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-slack-"))
    started = time.perf_counter()
    zip_path, ndjson_path, messages = generate(workdir, args.size_mb)
    results: dict[str, Any] = {
        "size_mb": args.size_mb,
        "zip_bytes": zip_path.stat().st_size,
        "messages": messages,
        "generated_in_s": round(time.perf_counter() - started, 1),
    }
    child = subprocess.run(
        [sys.executable, "-m", "bench.import_slack", "--parse-only", str(zip_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    parsed = json.loads(child.stdout)
    results["parse_only"] = {**parsed, "messages_per_s": round(messages / parsed["seconds"])}
    for name, command in (
        ("import_slack", ["import", "slack", str(zip_path), "--json"]),
        (
            "ndjson_ingest",
            ["import", "interactions", str(ndjson_path), "--create-members", "--batch", "2000"],
        ),
    ):
        url = bench_database(f"{args.database_prefix}_{name}", reuse=False)
        bench = Bench(url, workdir, USERS, messages, args.quick, 1.0)
        crm(bench, "migrate")
        finished = crm(bench, *command)
        results[name] = {
            "seconds": round(finished.seconds, 1),
            "messages_per_s": round(messages / finished.seconds),
            "peak_rss_mb": round(finished.peak_rss_mb, 1),
        }
        if name == "import_slack":
            report = json.loads(finished.output[finished.output.index("{") :])
            results[name]["report"] = {
                k: report[k]
                for k in ("read", "imported", "duplicates", "members_created", "skipped", "failed")
            }
    ours = results["import_slack"]
    results["targets"] = {
        "messages_per_s": ours["messages_per_s"] >= TARGET_MESSAGES_PER_SECOND,
        "peak_rss": ours["peak_rss_mb"] < TARGET_RSS_MB,
    }
    return results


def main() -> None:
    """Run the benchmark (or, as a child, the bare parse)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="JSON megabytes to write.")
    parser.add_argument("--quick", action="store_true", help="A CI-size export (5 MB).")
    parser.add_argument("--workdir", help="Where the export is written (default: a temp dir).")
    parser.add_argument("--output", help="Write the results here as JSON too.")
    parser.add_argument(
        "--database-prefix",
        default="crm_bench_import",
        help="The two databases dropped and created: PREFIX_import_slack, PREFIX_ndjson_ingest.",
    )
    parser.add_argument("--parse-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_only:
        parse_only(args.parse_only)
        return
    if args.quick:
        args.size_mb = 5
    results = measure(args)
    text = json.dumps(results, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
