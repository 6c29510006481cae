"""FeedbackQueries: filters, orders and keyset pages; an item's details; voice."""

from __future__ import annotations

import time
from datetime import timedelta
from uuid import UUID

import pytest

from api.projection_wiring import projection_worker
from application.runtime import Runtime
from domain.feedback import Importance
from domain.interactions.commands import RecordInteraction
from projections.cursors import InvalidCursor
from projections.feedback.queries import FeedbackFilter, FeedbackOrder
from projections.feedback.voice import VoiceRefresh
from tests.integration.feedback.helpers import (
    NOW,
    feedback_runner,
    joined,
    queries,
    save,
    submitted,
)
from tests.integration.feedback.scenario import every_change
from tests.integration.interactions.test_engagement_projection import engagement_runner

pytestmark = pytest.mark.integration


def ids(
    runtime: Runtime, where: FeedbackFilter, order: FeedbackOrder = FeedbackOrder.NEWEST
) -> list[UUID]:
    """Every matching item id, read in pages of two."""
    found: list[UUID] = []
    after: str | None = None
    while True:
        rows, cursors, more = queries(runtime).page(where, order, 2, after)
        assert len(rows) == len(cursors) <= 2
        found += [r.item_id for r in rows]
        if not more:
            return found
        after = cursors[-1]


def test_filters_and_orders_page_by_keyset(runtime: Runtime) -> None:
    community = every_change(runtime)
    feedback_runner(runtime).catch_up()
    dark, colours, praise, bug, old = (i.id for i in community.items)
    a, b, c, *_ = community.members
    newest = ids(runtime, FeedbackFilter())
    assert newest[-1] == old and set(newest) == {dark, colours, praise, bug, old}
    assert ids(runtime, FeedbackFilter(), FeedbackOrder.MOST_SUPPORTED)[0] == dark
    assert ids(runtime, FeedbackFilter(statuses=["planned"])) == [dark]
    assert set(ids(runtime, FeedbackFilter(kinds=["bug", "praise"]))) == {bug, praise}
    assert ids(runtime, FeedbackFilter(product_areas=["api"])) == [old]
    assert ids(runtime, FeedbackFilter(teams=["web"])) == [dark]
    assert set(ids(runtime, FeedbackFilter(member_id=c))) == {dark, colours, praise}
    assert set(ids(runtime, FeedbackFilter(member_id=b))) == {colours}
    recent = FeedbackFilter(submitted_from=NOW - timedelta(days=1), submitted_to=NOW)
    assert old not in ids(runtime, recent) and len(ids(runtime, recent)) == 4
    assert set(ids(runtime, FeedbackFilter(duplicates=False))) == {dark, praise, bug, old}
    assert ids(runtime, FeedbackFilter(duplicates=True)) == [colours]
    # Unanswered for more than an hour: all but the item staff answered (author and bot
    # replies do not count).
    unanswered = set(ids(runtime, FeedbackFilter(unanswered_for_hours=1)))
    assert unanswered == {colours, praise, bug, old}
    assert set(ids(runtime, FeedbackFilter(unanswered_for_hours=24 * 30))) == {old}
    assert ids(runtime, FeedbackFilter(text="DASHBOARD dark", duplicates=False)) == [dark]
    _, cursors, _ = queries(runtime).page(FeedbackFilter(), FeedbackOrder.NEWEST, 1, None)
    with pytest.raises(InvalidCursor):
        queries(runtime).page(FeedbackFilter(), FeedbackOrder.VOICE, 1, cursors[0])


def test_an_items_details(runtime: Runtime) -> None:
    community = every_change(runtime)
    feedback_runner(runtime).catch_up()
    dark, colours, *_ = community.items
    a, b, c, d, e, f = community.members
    assert [r.item_id for r in queries(runtime).duplicates(dark.id)] == [colours.id]
    supports = {(s.member_id, s.importance) for s in queries(runtime).supporters(colours.id)}
    assert supports == {(c, "important"), (f, "critical")}
    history = queries(runtime).history(dark.id)
    assert [h.position for h in history] == sorted(h.position for h in history)
    assert history[0].actor_id == a and history[0].detail == {
        "channel": "slack",
        "kind": "feature_request",
    }
    moved = [h.detail for h in history if h.change == "status_changed"]
    assert moved[0] == {
        "from": "open",
        "to": "under_review",
        "reason": "many ask",
        "notify_supporters": False,
    }
    relations = {r.item_id: rel for r, rel in queries(runtime).for_member(c)}
    assert relations == {
        dark.id: "supporter",
        colours.id: "supporter",
        community.items[2].id: "author",
    }


def test_voice_weighs_support_by_the_supporters_engagement(runtime: Runtime) -> None:
    busy, quiet, one, two = (joined(runtime, n) for n in ("Busy", "Quiet", "One", "Two"))
    runtime.community.record_interactions(
        [
            RecordInteraction(
                member_id=busy,
                channel="slack",
                kind="message",
                occurred_at=NOW - timedelta(hours=n),
                external_id=f"busy-{n}",
            )
            for n in range(20)
        ],
        create_unknown_members=False,
    )
    engagement_runner(runtime).catch_up()
    by_busy, by_quiet = submitted(runtime, one, "First wish"), submitted(runtime, two, "Second")
    by_busy.support(busy, Importance.IMPORTANT)
    by_quiet.support(quiet, Importance.IMPORTANT)
    save(runtime, by_busy, by_quiet)
    feedback_runner(runtime).catch_up()
    assert queries(runtime).refresh_voice() == 2
    assert queries(runtime).refresh_voice() == 0  # nothing changed since
    rows = queries(runtime).by_ids([by_busy.id, by_quiet.id])
    # Equal support by count and weight; the one engaged member's counts twice.
    assert rows[by_busy.id].unique_members == rows[by_quiet.id].unique_members == 2
    assert rows[by_busy.id].weighted_support == rows[by_quiet.id].weighted_support == 3
    assert rows[by_quiet.id].voice == pytest.approx(3.0)
    assert rows[by_busy.id].voice == pytest.approx(1 + 2 * 2)
    order = ids(runtime, FeedbackFilter(), FeedbackOrder.VOICE)
    assert order == [by_busy.id, by_quiet.id]


def test_the_worker_refreshes_voice_at_most_once_an_interval(runtime: Runtime) -> None:
    author, fan = joined(runtime, "Author"), joined(runtime, "Fan")
    item = submitted(runtime, author)
    item.support(fan, Importance.CRITICAL)
    save(runtime, item)
    feedback_runner(runtime).catch_up()
    refresh = VoiceRefresh(runtime.pool, interval_seconds=3600)
    assert refresh.run_if_due()
    refresh.wait(30)
    assert not refresh.running
    assert not refresh.run_if_due()  # not yet due
    assert queries(runtime).by_ids([item.id])[item.id].voice == pytest.approx(1 + 3)


def test_the_projection_worker_keeps_voice_fresh(runtime: Runtime) -> None:
    author, fan = joined(runtime, "Author"), joined(runtime, "Fan")
    item = submitted(runtime, author)
    item.support(fan, Importance.IMPORTANT)
    save(runtime, item)
    feedback_runner(runtime).catch_up()
    worker = projection_worker(runtime)
    assert queries(runtime).by_ids([item.id])[item.id].voice == 0
    assert worker.maintenance is not None
    worker.maintenance()  # as the worker's loop runs it between pages
    # The refresh runs in a thread of its own: the projections do not wait for it.
    deadline = time.monotonic() + 30
    while queries(runtime).by_ids([item.id])[item.id].voice == 0:
        assert time.monotonic() < deadline, "the voice was never refreshed"
        time.sleep(0.05)
    assert queries(runtime).by_ids([item.id])[item.id].voice == pytest.approx(1 + 2)
