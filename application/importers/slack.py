"""Slack workspace export ZIP: users.json, channels.json, and `<channel>/<YYYY-MM-DD>.json`.

Read member by member, each array a message at a time. Day files are read in date order
across channels (the ZIP's directory is in memory anyway), so joins, leaves and first
appearances come in the order they happened, whichever channel they were in.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from application.importers.archive import Archive, UnsafeArchive
from application.importers.json_stream import BadItem, JsonStream, JsonStructureError
from application.importers.slack_messages import SLACK, ChannelInfo, Reading, message_records
from application.importers.streams import as_text
from domain.importers.records import ImportRecord, Malformed, PlatformUser, Position

DAY_FILE = re.compile(r"^(?P<channel>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})\.json$")
CHANNEL_LISTS = ("channels.json", "groups.json")
# Slackbot is listed without is_bot, yet it is the workspace's own bot.
SLACKBOT = "USLACKBOT"


def parse(path: Path) -> Iterator[ImportRecord]:
    """Every record of a Slack export ZIP, users first, then days in order."""
    try:
        archive = Archive(str(path))
    except UnsafeArchive as error:
        yield Malformed(Position(path.name, "archive"), str(error))
        return
    try:
        readable: set[str] = set()
        for member in archive.members():
            if member.refused:
                yield Malformed(Position(member.name, "member"), member.refused)
            else:
                readable.add(member.name)
        if "users.json" in readable:
            yield from _users(archive)
        channels: dict[str, ChannelInfo] = {}
        for listing in CHANNEL_LISTS:
            if listing in readable:
                yield from _channels(archive, listing, channels)
        days = sorted(
            (match["day"], match["channel"], name)
            for name in readable
            if (match := DAY_FILE.match(name))
        )
        reading = Reading()
        for _, folder, name in days:
            channel = channels.get(folder) or ChannelInfo(folder)
            for at, message in _items(archive, name):
                if isinstance(message, Malformed):
                    yield message
                else:
                    yield from message_records(message, channel, at, reading)
    finally:
        archive.close()


def _items(archive: Archive, name: str) -> Iterator[tuple[Position, Any]]:
    """The elements of one member's top-level array, each with its place (1-based); an
    element that cannot be read comes as a Malformed, and the ones after it are read on."""
    number = 0
    try:
        with as_text(archive.open(name)) as text:
            for number, item in enumerate(JsonStream(text).items_at(()), start=1):
                at = Position(name, f"item {number}")
                yield at, Malformed(at, item.reason) if isinstance(item, BadItem) else item
    except JsonStructureError as error:
        at = Position(name, f"item {number + 1}")
        yield at, Malformed(at, f"{error}; the rest of this file is unreadable")
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        at = Position(name, f"item {number + 1}")
        yield at, Malformed(at, f"the member cannot be inflated: {error}")


def _users(archive: Archive) -> Iterator[ImportRecord]:
    for at, user in _items(archive, "users.json"):
        if isinstance(user, Malformed):
            yield user
        else:
            yield _user(user, at)


def _user(user: Any, at: Position) -> ImportRecord:
    """One users.json entry: id, name, real_name, deleted, is_bot, profile{display_name,email}."""
    if not isinstance(user, dict):
        return Malformed(at, "a user must be a JSON object")
    user_id, handle = user.get("id"), user.get("name")
    if not isinstance(user_id, str) or not user_id:
        return Malformed(at, "id: missing or not text")
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    names = (profile.get("display_name"), user.get("real_name"), profile.get("real_name"))
    display = next((n for n in names if isinstance(n, str) and n.strip()), None)
    email = profile.get("email")
    return PlatformUser(
        SLACK,
        user_id,
        handle if isinstance(handle, str) and handle else user_id,
        display,
        at,
        email=email if isinstance(email, str) and email else None,
        is_bot=user.get("is_bot") is True or user.get("is_app_user") is True or user_id == SLACKBOT,
        # Owners and admins run the workspace: the brand's own people.
        is_staff=user.get("is_owner") is True or user.get("is_admin") is True,
        deleted=user.get("deleted") is True,
    )


def _channels(
    archive: Archive, listing: str, channels: dict[str, ChannelInfo]
) -> Iterator[ImportRecord]:
    """Channel folders by name, with their ids; only malformed entries are yielded."""
    for at, channel in _items(archive, listing):
        if isinstance(channel, Malformed):
            yield channel
        elif not isinstance(channel, dict) or not all(
            isinstance(channel.get(key), str) and channel.get(key) for key in ("id", "name")
        ):
            yield Malformed(at, "a channel needs an id and a name (text)")
        else:
            general = channel.get("is_general") is True
            channels[channel["name"]] = ChannelInfo(channel["id"], general)
