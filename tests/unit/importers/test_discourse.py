"""The Discourse parser: user list CSV and topic JSON, one file or a folder of both."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from application.importers.discourse import parse
from domain.importers.records import (
    Malformed,
    PlatformInteraction,
    PlatformUser,
    Position,
    Skipped,
)
from domain.interactions.interaction import InteractionKind
from domain.values import Channel
from tests.unit.importers.exports import (
    DISCOURSE_USER_COLUMNS,
    discourse_post,
    discourse_topic,
    discourse_user,
    external_ids,
    of_type,
    problems,
)


def user_list(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((DISCOURSE_USER_COLUMNS, *rows)) + "\n")
    return path


def test_user_list_rows_become_users_with_trust_level_staff_and_bots(tmp_path: Path) -> None:
    path = user_list(
        tmp_path / "user-list-230101-101010-1.csv",
        discourse_user(
            -1, "system", name="system", trust_level=4, admin=True, groups="admins;staff"
        ),
        discourse_user(-2, "discobot", name="discobot", trust_level=4),
        discourse_user(5, "ana", name="Doe, Ana", trust_level=3),
        discourse_user(6, "bo", trust_level=2, groups="moderators;trust_level_2"),
        discourse_user(7, "cy", trust_level=1, moderator=True),
        discourse_user(8, "di", trust_level=0, groups="trust_level_0"),
    )
    users = {user.handle: user for user in of_type(list(parse(path)), PlatformUser)}

    assert users["system"].is_bot and users["discobot"].is_bot
    assert not users["ana"].is_bot and not users["ana"].is_staff
    assert users["ana"].display_name == "Doe, Ana"  # the literal quotes around a comma go
    assert users["ana"].email == "ana@example.org"
    assert users["ana"].user_id == "5" and users["ana"].channel is Channel.DISCOURSE
    assert users["ana"].joined_at == datetime(2023, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert users["ana"].attributes == (("discourse.trust_level", 3),)
    assert users["bo"].is_staff  # in the moderators group
    assert users["cy"].is_staff  # the moderator flag
    assert not users["di"].is_staff and users["di"].attributes == (("discourse.trust_level", 0),)


def test_bad_user_rows_are_malformed_with_their_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = user_list(
        tmp_path / "users.csv",
        discourse_user(5, "ana"),
        discourse_user(6, "bo", trust_level=7),
        discourse_user(7, "cy", created_at="yesterday"),
        "x" + discourse_user(8, "di"),
        discourse_user(9, ""),
        discourse_user(10, "eve"),
    )
    records = list(parse(path))

    assert [user.handle for user in of_type(records, PlatformUser)] == ["ana", "eve"]
    assert problems(records) == [
        ("line 3", "trust_level 7 is not a number from 0 to 4"),
        ("line 4", "created_at 'yesterday' is not a date and time"),
        ("line 5", "id 'x8' is not a whole number"),
        ("line 6", "username is empty"),
    ]


def test_a_csv_that_is_not_a_user_list_is_one_malformed_record(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("topic_title,categories\nHello,General\n")

    assert problems(list(parse(path))) == [
        ("line 1", "not a Discourse user list: no id or username column in topic_title, categories")
    ]


def test_topic_posts_start_and_reply_to_a_thread_by_their_post_ids(tmp_path: Path) -> None:
    path = discourse_topic(
        tmp_path / "42.json",
        42,
        [
            discourse_post(100, 42, 1, 5, "ana", trust_level=3),
            discourse_post(101, 42, 2, 6, "bo", staff=True, moderator=True),
            discourse_post(102, 42, 3, 5, "ana", reply_to_post_number=2),
        ],
    )
    records = list(parse(path))

    posts = of_type(records, PlatformInteraction)
    assert [(p.kind, p.user_id, p.external_id, p.thread_ref) for p in posts] == [
        (InteractionKind.POST, "5", "post:100", "42"),
        (InteractionKind.REPLY, "6", "post:101", "42"),
        (InteractionKind.REPLY, "5", "post:102", "42"),
    ]
    assert posts[0].occurred_at == datetime(2024, 2, 1, 10, tzinfo=UTC)
    assert posts[2].at.place == "post 3 of topic 42"
    authors = of_type(records, PlatformUser)  # each author once, from their first post
    assert [(a.handle, a.is_staff, a.attributes) for a in authors] == [
        ("ana", False, (("discourse.trust_level", 3),)),
        ("bo", True, (("discourse.trust_level", 1),)),
    ]


def test_deleted_posts_and_topic_notices_are_skipped_and_replies_to_them_kept(
    tmp_path: Path,
) -> None:
    path = discourse_topic(
        tmp_path / "7.json",
        7,
        [
            discourse_post(1, 7, 1, 5, "ana"),
            discourse_post(2, 7, 2, 6, "bo", user_deleted=True),
            discourse_post(3, 7, 3, 7, "cy", deleted_at="2024-02-05T00:00:00.000Z"),
            discourse_post(4, 7, 4, 5, "ana", reply_to_post_number=2),
            discourse_post(5, 7, 5, -1, "system", post_type=3),
            discourse_post(6, 7, 6, 8, "di") | {"user_id": None, "username": None},
            discourse_post(7, 7, 7, -1, "system", post_type=1),
        ],
    )
    records = list(parse(path))

    assert external_ids(records) == ["post:1", "post:4", "post:7"]
    assert [user.is_bot for user in of_type(records, PlatformUser)] == [False, True]
    assert [(s.at.place, s.reason.split(":")[0]) for s in of_type(records, Skipped)] == [
        ("post 2 of topic 7", "a deleted post"),
        ("post 3 of topic 7", "a deleted post"),
        (
            "post 5 of topic 7",
            "a notice of a change to the topic (closed, pinned, moved), not a post",
        ),
        ("post 6 of topic 7", "a post by an account deleted since (no user_id)"),
    ]
    assert not of_type(records, Malformed)


def test_malformed_posts_are_reported_at_their_place_and_the_topic_read_on(tmp_path: Path) -> None:
    posts = [
        json.dumps(discourse_post(1, 9, 1, 5, "ana")),
        '{"id": 2, "topic_id": 9, "post_number": 2}',
        "17",
        '{"id": 3 "x"}',
        json.dumps(discourse_post(4, 9, 4, 6, "bo", created_at="last week")),
        json.dumps(discourse_post(5, 9, 5, 6, "bo")),
    ]
    text = '{"post_stream": {"posts": [' + ", ".join(posts) + "]}}"
    path = tmp_path / "9.json"
    path.write_text(text)
    cut = text.index('"x"')  # where the comma is missing
    records = list(parse(path))

    assert external_ids(records) == ["post:1", "post:5"]
    assert problems(records) == [
        ("post 2 of topic 9", "created_at is missing"),
        ("posts[2]", "the post is not an object but the int 17"),
        ("posts[3]", f"Expecting ',' delimiter at character {cut}"),
        ("post 4 of topic 9", "created_at 'last week' is not a date and time"),
    ]


def test_a_folder_of_user_lists_and_topics_mixed(tmp_path: Path) -> None:
    user_list(tmp_path / "users.csv", discourse_user(5, "ana", trust_level=2))
    (tmp_path / "topics").mkdir()
    discourse_topic(tmp_path / "topics" / "1.json", 1, [discourse_post(10, 1, 1, 5, "ana")])
    discourse_topic(tmp_path / "topics" / "2.json", 2, [discourse_post(20, 2, 1, 6, "bo")])
    (tmp_path / "topics" / "README.txt").write_text("exported by hand")
    records = list(parse(tmp_path))

    assert external_ids(records) == ["post:10", "post:20"]
    assert [(Path(u.at.file).name, u.handle) for u in of_type(records, PlatformUser)] == [
        ("1.json", "ana"),
        ("2.json", "bo"),
        ("users.csv", "ana"),
    ]
    assert problems(records) == [
        ("whole file", "not a Discourse user list (.csv) or topic (.json)")
    ]
    assert list(parse(tmp_path / "missing")) == [
        Malformed(Position(str(tmp_path / "missing"), "whole file"), "no such file or folder")
    ]
