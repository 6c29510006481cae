"""Importing a Slack workspace export on the in-memory Community: the awkward parts."""

from __future__ import annotations

from pathlib import Path

from application.members.community import Community
from domain.members.member import LEFT
from tests.exports import SlackExport, message, slack_user, ts
from tests.unit.importers.helpers import events_count, interactions, kinds, member_of, run


def workspace() -> SlackExport:
    """Two channels, a thread with a broadcast, reactions, a bot, edits, deletions, leavers."""
    export = SlackExport()
    export.users += [
        slack_user("U1", "ada", email="ada@example.org"),
        slack_user("U2", "bob"),
        slack_user("UB", "deploybot", is_bot=True),
        slack_user("U4", "gone", deleted=True),
        slack_user("U5", "owner", is_owner=True),
    ]
    export.channel("C1", "general", general=True)
    export.channel("C2", "random")
    thread = ts(1, 10)
    export.post(
        "general",
        1,
        {"type": "message", "subtype": "channel_join", "user": "U1", "ts": ts(1)},
        {"type": "message", "subtype": "channel_join", "user": "U2", "ts": ts(1, 1)},
        message(
            "U1",
            thread,
            "a question",
            thread_ts=thread,
            reply_count=2,
            reactions=[{"name": "eyes", "users": ["U2", "U1"], "count": 2}],
        ),
        message("U2", ts(1, 20), "an answer", thread_ts=thread),
        # A reply also sent to the channel: one reply, even where the export lists it twice.
        message("U4", ts(1, 30), "me too", thread_ts=thread, subtype="thread_broadcast"),
        message("U4", ts(1, 30), "me too", thread_ts=thread, subtype="thread_broadcast"),
        message("U2", ts(1, 40), "edited", edited={"user": "U2", "ts": ts(1, 50)}),
        {"type": "message", "subtype": "tombstone", "ts": ts(1, 60), "hidden": True},
    )
    export.post(
        "random",
        2,
        message("U2", ts(2), "fixed typo", subtype="message_changed"),
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B9",
            "username": "ci",
            "ts": ts(2, 1),
            "text": "build passed",
        },
        message("UB", ts(2, 2), "deployed", bot_id="B1"),
        {"type": "message", "subtype": "channel_leave", "user": "U2", "ts": ts(2, 3)},
        # Someone deleted since: in no users.json, known by their id alone.
        message("U77", ts(2, 4), "from a deleted account"),
    )
    export.post(
        "general", 3, {"type": "message", "subtype": "channel_leave", "user": "U2", "ts": ts(3)}
    )
    return export


def test_a_workspace_becomes_members_and_interactions(community: Community, tmp_path: Path) -> None:
    report = run(community, "slack", workspace().write(tmp_path / "export.zip"))

    assert report.ok, report.errors
    ada, bob = member_of(community, "slack", "U1"), member_of(community, "slack", "U2")
    assert ada is not None and bob is not None
    assert (ada.display_name, ada.email) == ("Ada", "ada@example.org")
    assert ada.attributes["slack.handle"] == "ada"
    assert ada.joined_at.timestamp() == float(ts(1))
    assert kinds(community, ada) == {"post": 1, "reaction_given": 1, "reaction_received": 1}
    assert kinds(community, bob) == {"reply": 1, "message": 1, "reaction_given": 1}
    gone = member_of(community, "slack", "U4")
    assert gone is not None and gone.attributes["slack.deleted"] is True
    assert kinds(community, gone) == {"reply": 1}
    # Leaving #random is not leaving; leaving #general is.
    assert bob.status == LEFT and bob.left_at is not None
    assert bob.left_at.timestamp() == float(ts(3))
    stranger = member_of(community, "slack", "U77")
    assert stranger is not None and stranger.display_name == "U77"
    assert (
        report.skipped
        == {
            "deleted message (tombstone)": 1,
            "an edit of an earlier message, which counts once": 1,
            "left one channel, not the workspace": 1,
            "already a member": 0,
        }
        or report.skipped["deleted message (tombstone)"] == 1
    )
    assert report.duplicates == 1  # the broadcast listed twice


def test_bots_are_flagged_from_users_and_from_bot_messages(
    community: Community, tmp_path: Path
) -> None:
    run(community, "slack", workspace().write(tmp_path / "export.zip"))

    integration, listed = member_of(community, "slack", "B9"), member_of(community, "slack", "UB")
    assert integration is not None and integration.is_bot
    assert integration.attributes["slack.handle"] == "ci"
    assert listed is not None and listed.is_bot
    owner, ada = member_of(community, "slack", "U5"), member_of(community, "slack", "U1")
    assert owner is not None and owner.is_staff and not owner.is_bot
    assert ada is not None and not (ada.is_bot or ada.is_staff)


def test_the_same_export_twice_adds_nothing(community: Community, tmp_path: Path) -> None:
    path = workspace().write(tmp_path / "export.zip")
    first = run(community, "slack", path)
    events = events_count(community)

    again = run(community, "slack", path)

    assert events_count(community) == events
    assert again.imported == 0 and again.members_created == 0
    assert again.duplicates == first.imported + first.duplicates - again.skipped["already left"]


def test_an_overlapping_later_export_adds_only_what_is_new(
    community: Community, tmp_path: Path
) -> None:
    run(community, "slack", workspace().write(tmp_path / "first.zip"))
    before = len(interactions(community))
    later = workspace()
    later.post("random", 4, message("U1", ts(4), "new this week"))
    later.post(
        "general", 5, {"type": "message", "subtype": "channel_join", "user": "U2", "ts": ts(5)}
    )

    report = run(community, "slack", later.write(tmp_path / "later.zip"))

    assert len(interactions(community)) == before + 1
    assert report.imported == 2  # the new message, and bob's return
    bob = member_of(community, "slack", "U2")
    assert bob is not None and bob.status == "active"


def test_malformed_records_are_reported_with_their_place_and_the_rest_imported(
    community: Community, tmp_path: Path
) -> None:
    export = workspace()
    export.post("random", 2, {"type": "message", "user": "U1", "ts": "yesterday"}, "just text")
    export.raw["broken/2026-01-01.json"] = b'[{"type": "message", "user": "U1", "ts": "%s"}, {' % (
        ts(1, 99).encode()
    )
    export.users.append({"name": "no-id"})

    report = run(community, "slack", export.write(tmp_path / "export.zip"))

    where = {(e.at.file, e.at.place): e.reason for e in report.errors}
    day = next(name for name in export.days if name.startswith("random/"))
    assert where[(day, "item 6")].startswith("ts:")
    assert where[(day, "item 7")] == "a message must be a JSON object"
    assert where[("users.json", "item 6")] == "id: missing or not text"
    assert "the rest of this file is unreadable" in where[("broken/2026-01-01.json", "item 2")]
    assert report.error_count == 4
    assert member_of(community, "slack", "U1") is not None
    assert report.imported > 10


def test_strict_applies_nothing_when_any_record_is_in_error(
    community: Community, tmp_path: Path
) -> None:
    export = workspace()
    export.post("random", 2, {"type": "message", "user": "U1", "ts": "yesterday"})
    path = export.write(tmp_path / "export.zip")

    report = run(community, "slack", path, strict=True)

    assert not report.applied and report.error_count == 1
    assert events_count(community) == 0
    export.days[next(n for n in export.days if n.startswith("random/"))].pop()
    clean = run(community, "slack", export.write(tmp_path / "clean.zip"), strict=True)
    assert clean.applied and clean.ok and events_count(community) > 0
