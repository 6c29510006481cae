"""The export formats an import reads: one line per parser joins it to the CLI and HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from application.importers import attendees, discord, discourse, github, slack
from domain.importers.records import ImportRecord

Parser = Callable[[Path], Iterator[ImportRecord]]


@dataclass(frozen=True)
class Format:
    """A platform's export: its name in `crm import NAME`, its parser, what it reads."""

    name: str
    parse: Parser
    reads: str
    needs_event: bool = False  # attendee files are applied to one community event


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("slack", slack.parse, "a Slack workspace export ZIP"),
        Format("discord", discord.parse, "DiscordChatExporter JSON: a file or a folder of them"),
        Format(
            "discourse",
            discourse.parse,
            "a Discourse admin user list (CSV) or topic JSON: a file or a folder of them",
        ),
        Format(
            "github",
            github.parse,
            "GitHub REST JSON (issues, pull requests, comments) or GH Archive JSON lines"
            " (.json.gz): a file or a folder of them",
        ),
        Format(
            "attendees",
            attendees.parse,
            "a Meetup or Luma attendee CSV, applied to one community event (--event)",
            needs_event=True,
        ),
    )
}
