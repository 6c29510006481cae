"""Discourse exports: the admin user-list CSV and topic JSON files, one file or a folder of both.

Ids, from Discourse's own: a user is its numeric user id (`user_id`), a post's interaction is
`post:<post id>` (post ids are unique across the site), its thread the topic id. Staff are the
admins and moderators (flags in the user list and on every post) and the members of the staff,
admins and moderators groups; Discourse's own system and discobot accounts are bots. The trust
level (0 to 4) is kept as the member attribute `discourse.trust_level`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from application.importers.discourse_topics import parse_topic
from application.importers.discourse_users import parse_user_list
from application.importers.streams import export_files, open_binary, read_guarded
from domain.importers.records import ImportRecord

READS = "a Discourse user list (.csv) or topic (.json)"


def parse(path: Path) -> Iterator[ImportRecord]:
    """Every record of a Discourse export file, or of every such file under a folder."""
    for file in export_files(path, _readable, READS):
        if not isinstance(file, Path):
            yield file
        elif _is_json(file):
            yield from read_guarded(file, parse_topic(file))
        else:
            yield from read_guarded(file, parse_user_list(file))


def _readable(file: Path) -> bool:
    return file.suffix.lower() in (".csv", ".json")


def _is_json(file: Path) -> bool:
    """A topic when named .json; a file of another name when it starts like JSON."""
    if file.suffix.lower() in (".csv", ".json"):
        return file.suffix.lower() == ".json"
    try:
        with open_binary(file) as binary:
            return binary.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
    except (OSError, EOFError, zlib.error):
        return False  # read as CSV: the reader reports why it cannot be read
