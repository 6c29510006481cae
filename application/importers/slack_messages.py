"""One Slack message as platform records: the message, its reactions, or a membership.

Every id is the channel's id and the message's ts (Slack's own key of a message), so an
edited message, a thread broadcast shown in the channel and in its thread, and the same
day read from two overlapping exports all come out once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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

SLACK = Channel.SLACK
_TS = re.compile(r"^\d{1,12}(\.\d{1,9})?$")
SUMMARY_CHARS = 200

# Subtypes that are something a member did in the channel, as a message.
SPOKEN = frozenset({None, "thread_broadcast", "file_share", "me_message", "bot_message"})
# A message deleted since: Slack keeps a tombstone where a thread's first message was.
GONE = frozenset({"tombstone", "message_deleted"})


@dataclass
class ChannelInfo:
    """What a day file's folder names: the channel's stable id, and whether it is #general."""

    id: str
    is_general: bool = False


@dataclass
class Reading:
    """What reading the messages remembers: the bots already introduced as users."""

    bots: set[str] = field(default_factory=set)


def slack_time(ts: Any) -> datetime | None:
    """A Slack ts ("1700000000.000200", seconds since 1970) as a UTC time; None if not one."""
    if not isinstance(ts, str) or not _TS.match(ts):
        return None
    return datetime.fromtimestamp(float(ts), UTC)


def message_records(
    message: Any, channel: ChannelInfo, at: Position, reading: Reading
) -> Iterator[ImportRecord]:
    """The records of one element of a day file."""
    if not isinstance(message, dict):
        yield Malformed(at, "a message must be a JSON object")
        return
    subtype = message.get("subtype")
    when = slack_time(message.get("ts"))
    if when is None:
        yield Malformed(at, "ts: missing or not a Slack timestamp (seconds.micros as text)")
        return
    if subtype in GONE or message.get("hidden") is True:
        yield Skipped(at, "deleted message (tombstone)")
    elif subtype == "message_changed":
        yield Skipped(at, "an edit of an earlier message, which counts once")
    elif subtype in ("channel_join", "channel_leave"):
        yield from _membership(message, subtype, channel, when, at)
    elif subtype in SPOKEN:
        yield from _spoken(message, channel, when, at, reading)
    else:
        yield Skipped(at, f"channel notice ({subtype}), not something a member said")


def _membership(
    message: dict[str, Any], subtype: str, channel: ChannelInfo, when: datetime, at: Position
) -> Iterator[ImportRecord]:
    user = message.get("user")
    if not isinstance(user, str) or not user:
        yield Malformed(at, "user: a channel join or leave names no user")
        return
    if subtype == "channel_leave" and not channel.is_general:
        # Everyone is in #general until they leave the workspace; other channels come and go.
        yield Skipped(at, "left one channel, not the workspace")
        return
    change = MembershipChange.JOINED if subtype == "channel_join" else MembershipChange.LEFT
    key = f"{channel.id}:{message['ts']}"
    yield PlatformMembership(SLACK, user, change, when, key, at)


def _spoken(
    message: dict[str, Any], channel: ChannelInfo, when: datetime, at: Position, reading: Reading
) -> Iterator[ImportRecord]:
    user = message.get("user")
    author = user or message.get("bot_id")
    if not isinstance(author, str) or not author:
        yield Malformed(at, "user: the message names no user (and no bot_id)")
        return
    if not user and author not in reading.bots:
        # A bot integration posts by bot_id and is in no users.json: introduce it as a bot.
        reading.bots.add(author)
        handle = message.get("username") or (message.get("bot_profile") or {}).get("name")
        name = handle if isinstance(handle, str) and handle else author
        yield PlatformUser(SLACK, author, name, None, at, is_bot=True)
    ts = message["ts"]
    thread_ts = message.get("thread_ts")
    thread_ts = thread_ts if isinstance(thread_ts, str) else None
    thread = f"{channel.id}:{thread_ts}" if thread_ts else None
    if thread_ts and thread_ts != ts:
        kind = InteractionKind.REPLY  # a thread broadcast is a reply too, once
    elif thread_ts and (message.get("reply_count") or message.get("replies")):
        kind = InteractionKind.POST  # started a thread others answered
    else:
        kind = InteractionKind.MESSAGE
    text = message.get("text")
    summary = text[:SUMMARY_CHARS] if isinstance(text, str) and text else None
    key = f"{channel.id}:{ts}"
    yield PlatformInteraction(SLACK, author, kind, when, key, at, thread, summary=summary)
    yield from _reactions(message.get("reactions"), author, key, thread, when, at)


def _reactions(
    reactions: Any, author: str, key: str, thread: str | None, when: datetime, at: Position
) -> Iterator[ImportRecord]:
    """A reaction given by each user listed, and received by the author from each other one.

    The export says who reacted, not when: the reaction is dated with the message.
    """
    if reactions is None:
        return
    if not isinstance(reactions, list):
        yield Malformed(at, "reactions: must be an array")
        return
    for reaction in reactions:
        name = reaction.get("name") if isinstance(reaction, dict) else None
        users = reaction.get("users") if isinstance(reaction, dict) else None
        if not isinstance(name, str) or not isinstance(users, list):
            yield Malformed(at, "reactions: each needs a name and a users array")
            continue
        for user in users:
            if not isinstance(user, str) or not user:
                yield Malformed(at, f"reactions.{name}.users: a user id must be text")
                continue
            given = InteractionKind.REACTION_GIVEN
            yield PlatformInteraction(
                SLACK, user, given, when, f"{key}:reaction:{name}:{user}", at, thread
            )
            if user != author:
                received = InteractionKind.REACTION_RECEIVED
                yield PlatformInteraction(
                    SLACK, author, received, when, f"{key}:reacted:{name}:{user}", at, thread
                )
