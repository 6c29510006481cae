"""Praise and criticism count towards engagement once, from the feedback event itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from application.runtime import Runtime
from domain.feedback import FeedbackItem, FeedbackKind
from domain.members import commands as cmd
from tests.integration.conftest import rows
from tests.integration.interactions.test_engagement_projection import (
    engagement_runner,
    interaction,
    joined,
    same_rows,
    table,
)

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def submitted(
    runtime: Runtime, author: UUID, kind: FeedbackKind, source: UUID | None = None
) -> UUID:
    """Feedback the author gave on Slack a day ago, saved through the Community."""
    item = FeedbackItem.submit(
        author_id=author,
        channel="slack",
        kind=kind,
        text=f"{kind.value} from {author}",
        submitted_at=NOW - timedelta(days=1),
        now=NOW,
        source_interaction_id=source,
    )
    runtime.community.save(item)
    return item.id


def engagement_of(runtime: Runtime, member: UUID) -> tuple[int, datetime | None]:
    """The member's interaction count and last interaction."""
    found = rows(
        runtime.database_url,
        "SELECT interactions, last_interaction_at FROM member_engagement WHERE member_id = %s",
        (member,),
    )
    return found[0] if found else (0, None)


def test_praise_and_criticism_count_once_and_other_feedback_does_not(runtime: Runtime) -> None:
    author = joined(runtime, "Ada")
    report = runtime.community.record_interactions(
        [interaction(author, 3, "m1")], create_unknown_members=False
    )
    source = report.interaction_ids[0]
    praise = submitted(runtime, author, FeedbackKind.PRAISE)
    # Taken from the message recorded above: that message already counted.
    submitted(runtime, author, FeedbackKind.CRITICISM, source=source)
    submitted(runtime, author, FeedbackKind.QUESTION)
    submitted(runtime, author, FeedbackKind.FEATURE_REQUEST)
    engagement_runner(runtime).catch_up()

    count, last = engagement_of(runtime, author)
    assert count == 2
    assert last == NOW - timedelta(days=1)
    found = rows(
        runtime.database_url,
        "SELECT interaction_id, kind, external_id FROM member_interactions"
        " WHERE member_id = %s AND kind = 'feedback'",
        (author,),
    )
    assert found == [(praise, "feedback", f"feedback:{praise}")]


def test_a_rebuild_counts_feedback_as_live_processing_did(runtime: Runtime) -> None:
    members = [joined(runtime, f"M{n}") for n in range(3)]
    for member in members:
        submitted(runtime, member, FeedbackKind.PRAISE)
        submitted(runtime, member, FeedbackKind.CRITICISM)
    runner = engagement_runner(runtime)
    runner.catch_up()
    live = {name: table(runtime, name) for name in ("member_interactions", "member_engagement")}
    runner.reset()
    engagement_runner(runtime, batch_size=500).catch_up()
    for name, expected in live.items():
        assert same_rows(table(runtime, name), expected), name
    assert engagement_of(runtime, members[0])[0] == 2


def test_erasing_the_author_makes_the_feedback_text_unreadable_in_the_log(
    runtime: Runtime,
) -> None:
    author = joined(runtime, "Grace")
    item_id = submitted(runtime, author, FeedbackKind.CRITICISM)
    assert runtime.community.repository.get(item_id).text.startswith("criticism")
    runtime.community.erase_member(cmd.EraseMember(member_id=author))
    item = runtime.community.repository.get(item_id)
    assert item.text is None
    assert item.source_url is None
    assert item.kind is FeedbackKind.CRITICISM
