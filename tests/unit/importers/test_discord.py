"""Importing DiscordChatExporter files on the in-memory Community."""

from __future__ import annotations

from pathlib import Path

from application.members.community import Community
from tests.exports import author, discord_channel, discord_message
from tests.unit.importers.helpers import events_count, interactions, kinds, member_of, run

ADA, BOB, BOT = author("1", "ada"), author("2", "bob"), author("3", "helper", bot=True)


def guild(folder: Path) -> Path:
    """A text channel and one of its threads, exported as two files."""
    folder.mkdir(exist_ok=True)
    reactions = [{"emoji": {"id": "", "name": "👍"}, "count": 2, "users": [BOB, ADA]}]
    discord_channel(
        folder / "general.json",
        "100",
        "general",
        [
            discord_message("1001", ADA, 0, "GuildMemberJoin", ""),
            discord_message("1002", ADA, 1, content="hello", reactions=reactions),
            discord_message("1003", BOB, 2, "Reply", "hi ada", reference={"messageId": "1002"}),
            discord_message("1004", BOT, 3, content="welcome!"),
            discord_message(
                "1005",
                ADA,
                4,
                "ThreadCreated",
                "started a thread",
                reference={"channelId": "200"},
            ),
            discord_message("1006", ADA, 5, "ChannelPinnedMessage", ""),
            # Ada renamed herself: the same id, a newer name.
            discord_message("1007", author("1", "ada_l", nickname="Ada L."), 9, content="new me"),
        ],
    )
    discord_channel(
        folder / "thread.json",
        "200",
        "a thread",
        [discord_message("2001", BOB, 6, content="in the thread")],
        kind="GuildPublicThread",
    )
    return folder


def test_a_guild_becomes_members_and_interactions(community: Community, tmp_path: Path) -> None:
    report = run(community, "discord", guild(tmp_path / "export"))

    assert report.ok, report.errors
    ada, bob = member_of(community, "discord", "1"), member_of(community, "discord", "2")
    assert ada is not None and bob is not None
    assert kinds(community, ada) == {
        "message": 2,
        "post": 1,
        "reaction_given": 1,
        "reaction_received": 1,
    }
    assert kinds(community, bob) == {"reply": 2, "reaction_given": 1}
    replies = {e.external_id: e.thread_ref for e in interactions(community) if e.kind == "reply"}
    assert replies == {"1003": "1002", "2001": "200"}
    assert ada.joined_at.isoformat().startswith(str(ada.joined_at.date()))
    assert report.skipped["system message (ChannelPinnedMessage), not something a member said"] == 1


def test_a_renamed_user_is_one_member_with_the_latest_name(
    community: Community, tmp_path: Path
) -> None:
    run(community, "discord", guild(tmp_path / "export"))

    ada = member_of(community, "discord", "1")
    assert ada is not None
    assert (ada.display_name, ada.attributes["discord.handle"]) == ("Ada L.", "ada_l")


def test_bots_are_flagged(community: Community, tmp_path: Path) -> None:
    run(community, "discord", guild(tmp_path / "export"))

    helper, ada = member_of(community, "discord", "3"), member_of(community, "discord", "1")
    assert helper is not None and helper.is_bot
    assert ada is not None and not ada.is_bot


def test_a_folder_twice_and_an_overlapping_file_add_nothing_twice(
    community: Community, tmp_path: Path
) -> None:
    folder = guild(tmp_path / "export")
    run(community, "discord", folder)
    events = events_count(community)

    again = run(community, "discord", folder)
    assert events_count(community) == events and again.imported == 0
    later = discord_channel(
        tmp_path / "later.json",
        "100",
        "general",
        [
            discord_message("1002", ADA, 1, content="hello"),
            discord_message("1010", BOB, 20, content="new"),
        ],
    )
    overlap = run(community, "discord", later)
    assert overlap.imported == 1 and len(interactions(community)) == 10


def test_an_older_file_read_later_does_not_undo_a_rename(
    community: Community, tmp_path: Path
) -> None:
    folder = guild(tmp_path / "export")
    discord_channel(
        folder / "old.json", "300", "old", [discord_message("3001", ADA, 0, content="old")]
    )
    run(community, "discord", folder)  # old.json is read after general.json
    assert member_of(community, "discord", "1").display_name == "Ada L."  # type: ignore[union-attr]
    run(community, "discord", folder / "old.json")  # and alone, in a later import

    ada = member_of(community, "discord", "1")
    assert ada is not None and ada.display_name == "Ada L."


def test_malformed_messages_are_reported_with_their_place(
    community: Community, tmp_path: Path
) -> None:
    path = discord_channel(
        tmp_path / "c.json",
        "100",
        "general",
        [
            discord_message("1", ADA, 0),
            {"id": "2", "type": "Default", "timestamp": "last tuesday", "author": ADA},
            {"id": "3", "type": "Default", "timestamp": "2026-01-01T00:00:00+00:00"},
            discord_message("4", BOB, 1),
        ],
    )

    report = run(community, "discord", path)

    assert [(e.at.place, e.reason.split(":")[0]) for e in report.errors] == [
        ("messages[1]", "timestamp"),
        ("messages[2]", "author.id"),
    ]
    assert len(interactions(community)) == 2
