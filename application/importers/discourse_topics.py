"""Discourse topic JSON (`/t/{id}.json`, `/t/{id}/posts.json`): the posts of `post_stream.posts`.

The first post of a topic starts a thread (POST), every other post replies in it (REPLY), even
when the post it answers was deleted since. Each post also names its author (id, username, name,
staff flags, trust level): the author is yielded as a PlatformUser the first time it is seen,
so topics can be imported without the user list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from application.importers.discourse_users import BOT_NAMES, trust_level
from application.importers.fields import (
    Invalid,
    as_object,
    integer,
    optional_text,
    text,
    time_field,
)
from application.importers.json_stream import BadItem, JsonStream
from application.importers.streams import RecentIds, open_text
from domain.importers.records import (
    ImportRecord,
    Malformed,
    PlatformInteraction,
    PlatformUser,
    Position,
    Skipped,
)
from domain.interactions.interaction import InteractionKind
from domain.values import Channel

POSTS = ("post_stream", "posts")
# Discourse's post types: 1 regular, 2 moderator action, 3 small action, 4 whisper. Types 2 and
# 3 are notices of a change to the topic ("closed this topic", "pinned globally"), not posts.
NOTICE_TYPES = (2, 3)


def parse_topic(path: Path) -> Iterator[ImportRecord]:
    """The authors and posts of one topic file, a Malformed for each post that cannot be read."""
    authors = RecentIds()
    with open_text(path) as stream:
        for index, item in enumerate(JsonStream(stream).items_at(POSTS)):
            if isinstance(item, BadItem):
                yield Malformed(Position(str(path), f"posts[{index}]"), item.reason)
                continue
            at = Position(str(path), _place(item, index))
            try:
                yield from _post(as_object(item, "the post"), at, authors)
            except Invalid as error:
                yield Malformed(at, str(error))


def _post(post: dict[str, Any], at: Position, authors: RecentIds) -> Iterator[ImportRecord]:
    post_id = integer(post, "id")
    topic_id = integer(post, "topic_id")
    number = integer(post, "post_number")
    occurred_at = time_field(post, "created_at")
    if post.get("deleted_at") or post.get("user_deleted") is True:
        yield Skipped(at, "a deleted post: what the community no longer sees is not counted")
        return
    if post.get("post_type") in NOTICE_TYPES:
        yield Skipped(at, "a notice of a change to the topic (closed, pinned, moved), not a post")
        return
    if post.get("user_id") is None:
        yield Skipped(at, "a post by an account deleted since (no user_id)")
        return
    author = _author(post, at)
    if authors.first_time(author.user_id):
        yield author
    yield PlatformInteraction(
        channel=Channel.DISCOURSE,
        user_id=author.user_id,
        kind=InteractionKind.POST if number == 1 else InteractionKind.REPLY,
        occurred_at=occurred_at,
        external_id=f"post:{post_id}",
        at=at,
        thread_ref=str(topic_id),
    )


def _author(post: dict[str, Any], at: Position) -> PlatformUser:
    user_id = integer(post, "user_id")
    username = text(post, "username")
    staff = any(post.get(flag) is True for flag in ("staff", "admin", "moderator"))
    return PlatformUser(
        channel=Channel.DISCOURSE,
        user_id=str(user_id),
        handle=username,
        display_name=optional_text(post, "name"),
        at=at,
        is_bot=user_id < 0 or username.lower() in BOT_NAMES,
        is_staff=staff,
        attributes=trust_level(post.get("trust_level")),
    )


def _place(item: Any, index: int) -> str:
    """`post 3 of topic 42` when the post says so, else its place in the array."""
    if isinstance(item, dict):
        number, topic = item.get("post_number"), item.get("topic_id")
        if isinstance(number, int) and isinstance(topic, int):
            return f"post {number} of topic {topic}"
    return f"posts[{index}]"
