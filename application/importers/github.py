"""GitHub exports: REST JSON of issues, pull requests and comments, and GH Archive JSON lines.

A path is one file or a folder of them: `.json` (a REST array, pages of arrays one after the
other as `gh api --paginate` writes them, or one object), `.jsonl`/`.ndjson` and `.json.gz`
(GH Archive's hourly files: one event a line, read through gzip as they stream).

Ids, from GitHub's own: a user is its numeric account id; an issue or pull request is
`owner/repo#number` (the repository in lower case: GitHub ignores case), which is also the
thread of every comment on it; a comment is `issue-comment:<id>`, a comment on a diff
`review-comment:<id>`, a review `review:<id>` (GitHub's ids for each, the same in the REST API
and in the archive's payloads). Staff: author association OWNER or MEMBER (collaborators are
outside contributors, not staff). Bots: account type Bot, or a login ending in `[bot]`;
`ghost`, GitHub's stand-in for deleted accounts, is flagged deleted.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from application.importers.fields import Invalid
from application.importers.github_archive import event_records
from application.importers.github_rest import rest_records
from application.importers.json_stream import BadItem, JsonStream
from application.importers.streams import (
    RecentIds,
    export_files,
    json_lines,
    open_binary,
    open_text,
    read_guarded,
)
from domain.importers.records import ImportRecord, Malformed, Position

READS = "a GitHub REST (.json) or GH Archive (.json.gz, .jsonl) file"
_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_SNIFF = 1 << 20
_Reader = Callable[[Any, Position, RecentIds], Iterator[ImportRecord]]


def parse(path: Path) -> Iterator[ImportRecord]:
    """Every record of a GitHub export file, or of every such file under a folder."""
    for file in export_files(path, _readable, READS):
        if not isinstance(file, Path):
            yield file
        elif _is_json_lines(file):
            yield from read_guarded(file, _archive(file))
        else:
            yield from read_guarded(file, _rest(file))


def _rest(file: Path) -> Iterator[ImportRecord]:
    with open_text(file) as text:
        yield from _each(file, enumerate(JsonStream(text).items(), start=1), "item", rest_records)


def _archive(file: Path) -> Iterator[ImportRecord]:
    with open_binary(file) as binary:
        yield from _each(file, json_lines(binary), "line", event_records)


def _each(
    file: Path, numbered: Iterable[tuple[int, Any]], place: str, records: _Reader
) -> Iterator[ImportRecord]:
    """The records of each numbered item; a Malformed, at its place, for each bad one."""
    authors = RecentIds()
    for number, item in numbered:
        at = Position(str(file), f"{place} {number}")
        if isinstance(item, BadItem):
            yield Malformed(at, item.reason)
            continue
        try:
            yield from records(item, at, authors)
        except Invalid as error:
            yield Malformed(at, str(error))


def _readable(file: Path) -> bool:
    return file.name.lower().endswith(_SUFFIXES)


def _is_json_lines(file: Path) -> bool:
    """One JSON object a line (GH Archive), rather than one document (a REST export)."""
    name = file.name.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        return True
    try:
        with open_binary(file) as binary:
            start = binary.read(64).lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
            if not start.startswith(b"{"):
                return False  # an array (or not JSON: the document reader says why)
            binary.seek(0)
            first = binary.readline(_SNIFF).strip().removeprefix(b"\xef\xbb\xbf")
        return isinstance(orjson.loads(first), dict)
    except (OSError, EOFError, ValueError, zlib.error):
        return name.endswith(".gz")  # read as lines: the reader reports what is wrong
