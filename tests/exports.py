"""Platform exports written by the tests in each platform's documented shape (made-up people).

Slack: a workspace export ZIP (users.json, channels.json, `<channel>/<YYYY-MM-DD>.json`).
Discord: DiscordChatExporter JSON, one file per channel or thread.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)


def ts(day: int, second: int = 0) -> str:
    """A Slack ts `day` days after BASE."""
    moment = BASE + timedelta(days=day, seconds=second)
    return f"{moment.timestamp():.6f}"


def slack_user(user_id: str, name: str, **extra: Any) -> dict[str, Any]:
    """A users.json entry."""
    profile = {"display_name": extra.pop("display_name", name.title())}
    if "email" in extra:
        profile["email"] = extra.pop("email")
    return {
        "id": user_id,
        "name": name,
        "real_name": name.title(),
        "deleted": False,
        "is_bot": False,
        "profile": profile,
        **extra,
    }


def message(user: str, at: str, text: str = "hello", **extra: Any) -> dict[str, Any]:
    """A day-file message."""
    return {"type": "message", "user": user, "text": text, "ts": at, **extra}


@dataclass
class SlackExport:
    """A workspace export being written: users, channels, and messages per channel and day."""

    users: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    days: dict[str, list[Any]] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)

    def channel(self, channel_id: str, name: str, *, general: bool = False) -> None:
        """List a channel in channels.json."""
        self.channels.append({"id": channel_id, "name": name, "is_general": general})

    def post(self, channel: str, day: int, *messages: Any) -> None:
        """Messages of one channel on one day (appended to that day's file)."""
        name = f"{channel}/{(BASE + timedelta(days=day)).date().isoformat()}.json"
        self.days.setdefault(name, []).extend(messages)

    def write(self, path: Path) -> Path:
        """The ZIP, as Slack writes it."""
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("users.json", json.dumps(self.users))
            archive.writestr("channels.json", json.dumps(self.channels))
            for name, messages in self.days.items():
                archive.writestr(name, json.dumps(messages, indent=1))
            for name, data in self.raw.items():
                archive.writestr(name, data)
        return path


def author(
    user_id: str, name: str, *, nickname: str | None = None, bot: bool = False
) -> dict[str, Any]:
    """A DiscordChatExporter author (or reaction user) object."""
    return {
        "id": user_id,
        "name": name,
        "discriminator": "0000",
        "nickname": nickname or name,
        "color": None,
        "isBot": bot,
        "roles": [],
        "avatarUrl": "https://cdn.example/a.png",
    }


def discord_message(
    message_id: str,
    who: dict[str, Any],
    minute: int,
    kind: str = "Default",
    content: str = "hi",
    **extra: Any,
) -> dict[str, Any]:
    """A DiscordChatExporter message, `minute` minutes after BASE."""
    moment = (BASE + timedelta(minutes=minute)).isoformat()
    return {
        "id": message_id,
        "type": kind,
        "timestamp": moment,
        "timestampEdited": None,
        "isPinned": False,
        "content": content,
        "author": who,
        "attachments": [],
        "embeds": [],
        "stickers": [],
        "reactions": [],
        "mentions": [],
        **extra,
    }


def discord_channel(
    path: Path, channel_id: str, name: str, messages: list[Any], *, kind: str = "GuildTextChat"
) -> Path:
    """One exported channel (or thread, with kind GuildPublicThread) file."""
    document = {
        "guild": {"id": "900", "name": "Example Guild", "iconUrl": "https://cdn.example/g.png"},
        "channel": {
            "id": channel_id,
            "type": kind,
            "categoryId": "800",
            "category": "Talk",
            "name": name,
            "topic": None,
        },
        "dateRange": {"after": None, "before": None},
        "exportedAt": datetime.now(UTC).isoformat(),
        "messages": messages,
        "messageCount": len(messages),
    }
    path.write_text(json.dumps(document, indent=2))
    return path


def example_export(platform: str, folder: Path) -> Path:
    """A small export of `platform` (slack or discord) in `folder`, its ids unique."""
    unique = uuid.uuid4().hex[:10].upper()
    if platform == "slack":
        export = SlackExport(users=[slack_user(f"U{unique}", "ada", email="ada@example.org")])
        export.channel(f"C{unique}", "general", general=True)
        export.post("general", 1, message(f"U{unique}", ts(1), "hello"))
        return export.write(folder / "slack-export.zip")
    who = author(str(uuid.uuid4().int)[:18], "grace")
    first = discord_message(str(uuid.uuid4().int)[:18], who, 1)
    return discord_channel(folder / "general.json", str(uuid.uuid4().int)[:18], "general", [first])
