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
from collections.abc import Iterator
from pathlib import Path

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
    authors = RecentIds()
    with open_text(file) as text:
        for number, item in enumerate(JsonStream(text).items(), start=1):
            at = Position(str(file), f"item {number}")
            if isinstance(item, BadItem):
                yield Malformed(at, item.reason)
                continue
            try:
                yield from rest_records(item, at, authors)
            except Invalid as error:
                yield Malformed(at, str(error))


def _archive(file: Path) -> Iterator[ImportRecord]:
    authors = RecentIds()
    with open_binary(file) as binary:
        for number, item in json_lines(binary):
            at = Position(str(file), f"line {number}")
            if isinstance(item, BadItem):
                yield Malformed(at, item.reason)
                continue
            try:
                yield from event_records(item, at, authors)
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
            first = binary.readline(_SNIFF).strip().removeprefix(b"\xef\xbb\xbf")
        return first.startswith(b"{") and isinstance(orjson.loads(first), dict)
    except (OSError, EOFError, ValueError, zlib.error):
        return name.endswith(".gz")  # read as lines: the reader reports what is wrong
