"""Every parser in constant memory and never raising: big files, random bytes, cut JSON."""

from __future__ import annotations

import gzip
import json
import random
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from application.importers import attendees, discourse, github
from domain.importers.records import (
    Attendance,
    ImportRecord,
    Malformed,
    PlatformInteraction,
    PlatformMembership,
    PlatformUser,
    Skipped,
)
from tests.unit.importers.exports import (
    DISCOURSE_USER_COLUMNS,
    discourse_post,
    discourse_topic,
    discourse_user,
    gh_event,
    github_comment,
    github_issue,
    github_user,
    write_archive,
    write_json,
)

Parse = Callable[[Path], Iterator[ImportRecord]]
MB = 1 << 20


def peak_while_reading(parse: Parse, path: Path) -> tuple[int, int]:
    """(records read, peak bytes allocated while reading them all)."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in parse(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def big_rest_array(path: Path, size: int) -> Path:
    """A REST array of issues and comments of about `size` bytes, written as it grows."""
    with path.open("w") as out:
        out.write("[")
        written, number = 0, 0
        while written < size:
            number += 1
            user = github_user(f"user{number % 500}", number % 500)
            item = github_issue(number, user) if number % 2 else github_comment(number, 1, user)
            text = ("," if number > 1 else "") + json.dumps(item | {"body": "x" * 300})
            written += out.write(text)
        out.write("]")
    return path


def big_archive(path: Path, size: int) -> Path:
    with gzip.open(path, "wt") as out:
        written, number = 0, 0
        while written < size:
            number += 1
            payload = {"action": "created", "issue": {"number": 1}, "comment": {"id": number}}
            line = json.dumps(
                gh_event("IssueCommentEvent", f"u{number % 500}", number % 500, payload)
            )
            written += out.write(line + "\n")
    return path


def big_topic(path: Path, size: int) -> Path:
    posts = (
        discourse_post(n, 1, n, n % 500, f"u{n % 500}", cooked="y" * 300)
        for n in range(1, size // 600)
    )
    with path.open("w") as out:
        out.write('{"post_stream": {"posts": [')
        for index, post in enumerate(posts):
            out.write(("," if index else "") + json.dumps(post))
        out.write('], "stream": []}, "id": 1}')
    return path


def big_attendee_list(path: Path, size: int) -> Path:
    with path.open("w") as out:
        out.write("name,email,approval_status,registered_at,checked_in_at\n")
        written, number = 0, 0
        while written < size:
            number += 1
            row = f'"Person {number}",p{number}@example.org,approved,2024-03-01T10:00:00Z,\n'
            written += out.write(row)
    return path


@pytest.mark.parametrize(
    ("parse", "write", "name"),
    [
        (github.parse, big_rest_array, "issues.json"),
        (github.parse, big_archive, "2024-01-01-0.json.gz"),
        (discourse.parse, big_topic, "1.json"),
        (attendees.parse, big_attendee_list, "list.csv"),
    ],
    ids=["github-rest", "gh-archive", "discourse-topic", "attendees"],
)
def test_memory_stays_flat_however_big_the_file(
    tmp_path: Path, parse: Parse, write: Callable[[Path, int], Path], name: str
) -> None:
    small = write(tmp_path / f"small-{name}", MB // 4)
    big = write(tmp_path / name, 3 * MB)
    small_count, small_peak = peak_while_reading(parse, small)
    big_count, big_peak = peak_while_reading(parse, big)

    assert big_count > 6 * small_count
    # A window of the text and one record, whatever the size: a parser holding the file
    # or its records would peak past the file's size.
    assert big_peak < 2 * MB and big_peak < small_peak + MB // 2, (small_peak, big_peak)


PARSERS = {"github": github.parse, "discourse": discourse.parse, "attendees": attendees.parse}
RECORDS = (
    PlatformUser,
    PlatformInteraction,
    PlatformMembership,
    Attendance,
    Skipped,
    Malformed,
)


def sample_exports(folder: Path) -> list[Path]:
    """One valid file of every shape the parsers read."""
    ana = github_user("ana", 1)
    return [
        write_json(folder / "rest.json", [github_issue(1, ana), github_comment(2, 1, ana)]),
        write_archive(
            folder / "events.json.gz",
            [
                gh_event(
                    "IssuesEvent", "ana", 1, {"action": "opened", "issue": github_issue(3, ana)}
                )
            ],
        ),
        discourse_topic(
            folder / "5.json",
            5,
            [discourse_post(1, 5, 1, 2, "bo"), discourse_post(2, 5, 2, 3, "cy")],
        ),
        write_text(
            folder / "users.csv",
            "\n".join((DISCOURSE_USER_COLUMNS, discourse_user(2, "bo"), discourse_user(3, "cy"))),
        ),
        write_text(folder / "list.csv", "Name,Email,RSVP\nAna,ana@example.org,yes\nBo,,no\n"),
    ]


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def read_all(parse: Parse, path: Path) -> list[ImportRecord]:
    records = list(parse(path))
    assert all(isinstance(record, RECORDS) for record in records)
    return records


@pytest.mark.parametrize("seed", range(40))
def test_random_bytes_are_malformed_records_never_an_error(tmp_path: Path, seed: int) -> None:
    noise = random.Random(seed)
    data = noise.randbytes(noise.randrange(1, 3000))
    prefix = noise.choice([b"", b"[", b"{", b'{"post_stream": {"posts": [', b"name,email\n"])
    for name in ("x.json", "x.csv", "x.json.gz", "x.jsonl"):
        path = tmp_path / name
        path.write_bytes(prefix + data if noise.random() < 0.5 or name.endswith(".gz") else data)
        if name == "x.json.gz" and noise.random() < 0.5:
            path.write_bytes(gzip.compress(prefix + data))
        for parse in PARSERS.values():
            records = read_all(parse, path)
            assert any(isinstance(r, Malformed | Skipped) for r in records) or not records


@pytest.mark.parametrize("seed", range(40))
def test_cut_or_corrupted_exports_are_malformed_records_never_an_error(
    tmp_path: Path, seed: int
) -> None:
    noise = random.Random(seed)
    for path in sample_exports(tmp_path):
        data = (
            path.read_bytes()
            if not path.name.endswith(".gz")
            else gzip.decompress(path.read_bytes())
        )
        cut = noise.randrange(len(data))
        broken = bytearray(data[:cut] if noise.random() < 0.5 else data)
        for _ in range(noise.randrange(4)):
            if broken:
                broken[noise.randrange(len(broken))] = noise.randrange(256)
        path.write_bytes(
            gzip.compress(bytes(broken)) if path.name.endswith(".gz") else bytes(broken)
        )
        for parse in PARSERS.values():
            read_all(parse, path)
        parse = PARSERS["github" if "rest" in path.name or "events" in path.name else "discourse"]
        if len(broken) < len(data.rstrip()) and path.suffix != ".csv":
            assert any(isinstance(r, Malformed) for r in read_all(parse, path)), broken


def test_a_cut_gzip_file_is_reported_after_the_last_line_read(tmp_path: Path) -> None:
    ana = github_user("ana", 1)
    events = [
        gh_event("IssuesEvent", "ana", 1, {"action": "opened", "issue": github_issue(n, ana)})
        for n in range(1, 200)
    ]
    path = write_archive(tmp_path / "cut.json.gz", events)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    records = read_all(github.parse, path)

    last = records[-1]
    assert isinstance(last, Malformed) and last.reason.startswith("the file cannot be read")
    assert last.at.place.startswith("after line ")
    assert len([r for r in records if isinstance(r, PlatformInteraction)]) > 10


@pytest.mark.parametrize("parser", ["github", "discourse", "attendees"])
def test_reading_the_same_export_twice_gives_the_same_records(tmp_path: Path, parser: str) -> None:
    sample_exports(tmp_path)
    first, second = read_all(PARSERS[parser], tmp_path), read_all(PARSERS[parser], tmp_path)

    assert first == second
    assert any(not isinstance(r, Malformed | Skipped) for r in first)
