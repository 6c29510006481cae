"""DiscordChatExporter JSON: one file per channel or thread (`guild`, `channel`, `messages`),
or a folder of them.

Message ids are snowflakes, unique across Discord, so they are the external ids. A user's
snowflake is their identity; a user who changed names is one user, and the name of their
latest message (by time, across every file read) is the one their profile gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from application.importers.json_stream import BadItem, JsonStream, JsonStructureError
from application.importers.streams import open_text
from domain.importers.records import (
    ImportRecord,
    Malformed,
    MembershipChange,
    PlatformInteraction,
    PlatformMembership,
    PlatformUser,
    Position,
    Skipped,
)
from domain.interactions.interaction import InteractionKind
from domain.values import Channel

DISCORD = Channel.DISCORD
SUMMARY_CHARS = 200
SPOKEN = frozenset({"Default", "Reply"})


@dataclass
class Names:
    """The latest (time, name, nickname, bot) seen of each user, across files."""

    seen: dict[str, tuple[datetime, str, str | None, bool]] = field(default_factory=dict)

    def update(self, person: Any, when: datetime, at: Position) -> PlatformUser | None:
        """A user record when this user is new or shows a newer, different name."""
        if not isinstance(person, dict) or not isinstance(person.get("id"), str):
            return None
        user_id, name = person["id"], person.get("name")
        nickname = person.get("nickname")
        state = (
            name if isinstance(name, str) and name else user_id,
            nickname if isinstance(nickname, str) and nickname else None,
            person.get("isBot") is True,
        )
        before = self.seen.get(user_id)
        if before is not None and (before[0] >= when or before[1:] == state):
            if before[0] < when:
                self.seen[user_id] = (when, *state)
            return None
        self.seen[user_id] = (when, *state)
        handle, nick, bot = state
        return PlatformUser(DISCORD, user_id, handle, nick or handle, at, is_bot=bot, seen_at=when)


def parse(path: Path) -> Iterator[ImportRecord]:
    """Every record of one exported file, or of each `.json` file in a folder (by name)."""
    files = sorted(p for p in path.rglob("*.json") if p.is_file()) if path.is_dir() else [path]
    names = Names()
    for file in files:
        label = str(file.relative_to(path)) if path.is_dir() else file.name
        yield from _file(file, label, names)


def _file(file: Path, label: str, names: Names) -> Iterator[ImportRecord]:
    channel: dict[str, Any] = {}
    index = -1
    try:
        with open_text(file) as text:
            for key, value in JsonStream(text).entries("messages"):
                if isinstance(value, BadItem):
                    yield Malformed(Position(label, key), value.reason)
                elif key == "channel" and isinstance(value, dict):
                    channel = value
                elif key == "messages" and isinstance(value, Iterator):
                    for index, message in enumerate(value):
                        at = Position(label, f"messages[{index}]")
                        if isinstance(message, BadItem):
                            yield Malformed(at, message.reason)
                        else:
                            yield from _message(message, channel, at, names)
    except JsonStructureError as error:
        at = Position(label, f"messages[{index + 1}]" if index >= 0 else "document")
        yield Malformed(at, f"{error}; the rest of this file is unreadable")
    except OSError as error:
        yield Malformed(Position(label, "file"), f"cannot be read: {error.strerror}")


def _message(
    message: Any, channel: dict[str, Any], at: Position, names: Names
) -> Iterator[ImportRecord]:
    if not isinstance(message, dict):
        yield Malformed(at, "a message must be a JSON object")
        return
    message_id, author = message.get("id"), message.get("author")
    when = _time(message.get("timestamp"))
    if not isinstance(message_id, str) or not message_id:
        yield Malformed(at, "id: missing or not text")
    elif when is None:
        yield Malformed(at, "timestamp: missing or not an ISO 8601 time with its offset")
    elif not isinstance(author, dict) or not isinstance(author.get("id"), str):
        yield Malformed(at, "author.id: missing or not text")
    else:
        user = names.update(author, when, at)
        if user:
            yield user
        yield from _kinds(message, channel, when, at, names)


def _kinds(
    message: dict[str, Any], channel: dict[str, Any], when: datetime, at: Position, names: Names
) -> Iterator[ImportRecord]:
    kind_name, message_id = message.get("type"), message["id"]
    author = message["author"]["id"]
    reference = message.get("reference")
    reference = reference if isinstance(reference, dict) else {}
    in_thread = str(channel.get("type", "")).endswith("Thread")
    if kind_name == "GuildMemberJoin":
        yield PlatformMembership(DISCORD, author, MembershipChange.JOINED, when, message_id, at)
        return
    if kind_name == "ThreadCreated":
        thread = reference.get("channelId")
        kind, thread_ref = InteractionKind.POST, thread if isinstance(thread, str) else None
    elif kind_name not in SPOKEN:
        yield Skipped(at, f"system message ({kind_name}), not something a member said")
        return
    elif in_thread:
        kind, thread_ref = InteractionKind.REPLY, str(channel.get("id") or "") or None
    elif kind_name == "Reply":
        replied = reference.get("messageId")
        kind, thread_ref = InteractionKind.REPLY, replied if isinstance(replied, str) else None
    else:
        kind, thread_ref = InteractionKind.MESSAGE, None
    content = message.get("content")
    summary = content[:SUMMARY_CHARS] if isinstance(content, str) and content else None
    yield PlatformInteraction(
        DISCORD, author, kind, when, message_id, at, thread_ref, summary=summary
    )
    yield from _reactions(message.get("reactions"), author, message_id, thread_ref, when, at, names)


def _reactions(
    reactions: Any,
    author: str,
    message_id: str,
    thread_ref: str | None,
    when: datetime,
    at: Position,
    names: Names,
) -> Iterator[ImportRecord]:
    """Given by each user listed (exports list them when asked to), received by the author."""
    if not isinstance(reactions, list):
        return
    for reaction in reactions:
        reaction = reaction if isinstance(reaction, dict) else {}
        emoji, users = reaction.get("emoji"), reaction.get("users")
        if not isinstance(emoji, dict) or not isinstance(users, list):
            yield Malformed(at, "reactions: each needs an emoji object and a users array")
            continue
        label = emoji.get("id") or emoji.get("name") or "?"
        for person in users:
            user = names.update(person, when, at)
            if user:
                yield user
            if not isinstance(person, dict) or not isinstance(person.get("id"), str):
                yield Malformed(at, "reactions.users: each user needs an id")
                continue
            reactor = person["id"]
            given = f"{message_id}:reaction:{label}:{reactor}"
            yield PlatformInteraction(
                DISCORD, reactor, InteractionKind.REACTION_GIVEN, when, given, at, thread_ref
            )
            if reactor != author:
                received = f"{message_id}:reacted:{label}:{reactor}"
                kind = InteractionKind.REACTION_RECEIVED
                yield PlatformInteraction(DISCORD, author, kind, when, received, at, thread_ref)


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset, as the exporter writes it."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
