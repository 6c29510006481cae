"""The change feed: a consumer resuming from its cursor sees every change once, in order."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

import pytest

from application.runtime import Runtime
from domain.feedback import FeedbackItem, FeedbackKind, FeedbackStatus, Importance, Priority
from domain.feedback.workflow import NEXT_STEP
from domain.members import commands as cmd
from projections.feedback.feed import decode_feed_cursor, encode_feed_cursor
from projections.feedback.rows import FeedEntry
from tests.integration.conftest import rows
from tests.integration.feedback.helpers import (
    NOW,
    STAFF,
    feedback_runner,
    joined,
    queries,
    save,
    submitted,
)

pytestmark = pytest.mark.integration

CHANGES = 3000
ITEMS = 60


@dataclass(frozen=True)
class Seen:
    """A feed entry as the consumer got it, and the span of positions its page covered."""

    after: int
    end: int
    entry: FeedEntry


def test_a_page_ends_on_a_position_it_holds_whole(runtime: Runtime) -> None:
    author, others = joined(runtime, "Prolific"), [joined(runtime, f"O{n}") for n in range(5)]
    many = [submitted(runtime, author, f"Wish {n}") for n in range(12)]
    few = [submitted(runtime, m, "Other wish") for m in others]
    feedback_runner(runtime).catch_up()
    start = queries(runtime).changes(0, 1000).end_position
    for item in few[:3]:
        item.triage(product_area="ui", priority=Priority.HIGH, team="web")
        save(runtime, item)
    runtime.community.erase_member(cmd.EraseMember(member_id=author))  # 12 items, one position
    for item in few[3:]:
        item.link_tracker("https://tracker.test/1", "T-1")
        save(runtime, item)
    feedback_runner(runtime, batch_size=3).catch_up()

    pages = []
    after = start
    while True:
        page = queries(runtime).changes(after, 5)
        pages.append([e.item.item_id for e in page.entries])
        after = page.end_position
        if not page.has_more:
            break
    assert [len(p) for p in pages] == [3, 12, 2]
    assert set(pages[1]) == {i.id for i in many}
    assert queries(runtime).changes(after, 5).entries == []
    whole = queries(runtime).changes(start, 20)
    assert [e.item.item_id for e in whole.entries] == [i for p in pages for i in p]
    assert not whole.has_more


def test_a_consumer_resuming_from_its_cursor_misses_and_repeats_nothing(
    runtime: Runtime,
) -> None:
    members = [joined(runtime, f"M{n}") for n in range(12)]
    writing = threading.Event()
    writing.set()
    projecting = threading.Event()
    projecting.set()
    seen: list[Seen] = []

    def write() -> int:
        try:
            return _write_changes(runtime, members, random.Random(13))
        finally:
            writing.clear()

    def project() -> None:
        runner = feedback_runner(runtime, batch_size=7)
        try:
            while True:
                written = not writing.is_set()
                if not runner.run_page() and written:
                    return
        finally:
            projecting.clear()

    def consume() -> None:
        cursor: str | None = None
        while True:
            done = not projecting.is_set()
            # A fresh reader each time, from the stored cursor alone: as after a restart.
            after = decode_feed_cursor(cursor)
            page = queries(runtime).changes(after, 25)
            seen.extend(Seen(after, page.end_position, e) for e in page.entries)
            cursor = encode_feed_cursor(page.end_position)
            if done and not page.entries:
                return

    with ThreadPoolExecutor(3) as pool:
        writer, *others = [pool.submit(work) for work in (write, project, consume)]
        submitted_items = writer.result()
        for future in others:
            future.result()

    history = rows(
        runtime.database_url,
        "SELECT position, item_id, change FROM feedback_history ORDER BY position, item_id",
    )
    assert len(history) > CHANGES
    assert len({s.after for s in seen}) > 20  # read page by page while changes went on
    spans = sorted({(s.after, s.end) for s in seen})
    # Each page starts where the one before it ended: the spans tile the log.
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    for span in {(s.after, s.end) for s in seen}:
        page = [s.entry for s in seen if (s.after, s.end) == span]
        order = [(e.position, e.item.item_id) for e in page]
        assert order == sorted(set(order)), "an item twice in a page, or out of commit order"
    changes: dict[UUID, list[tuple[int, str]]] = {}
    for position, item_id, change in history:
        changes.setdefault(item_id, []).append((position, change))
    delivered: dict[tuple[UUID, int], list[Seen]] = {}
    for s in seen:
        item_changes = changes[s.entry.item.item_id]
        in_span = [(p, c) for p, c in item_changes if s.after < p <= s.end]
        for position, _ in in_span:
            delivered.setdefault((s.entry.item.item_id, position), []).append(s)
        # The entry names exactly the kinds of the item's changes in its page's span.
        assert s.entry.changes == list(dict.fromkeys(c for _, c in in_span))
        assert s.entry.position == in_span[-1][0]
    for position, item_id, change in history:
        # Every change reached the consumer once, named among its entry's kinds.
        (s,) = delivered[(item_id, position)]
        assert change in s.entry.changes
    last = {s.entry.item.item_id: s.entry.item for s in sorted(seen, key=lambda s: s.end)}
    final = queries(runtime).by_ids(list(last))
    assert len(final) == submitted_items
    assert last == final


def _write_changes(runtime: Runtime, members: list[UUID], rng: random.Random) -> int:
    """Items and thousands of changes to them, a few items per transaction; returns how
    many items were submitted."""
    items: list[FeedbackItem] = []
    erased = members[-1]
    changes = submitted_extra = 0
    while changes < CHANGES:
        batch: dict[UUID, FeedbackItem] = {}
        for _ in range(rng.randint(1, 5)):
            if len(items) < ITEMS and (not items or rng.random() < 0.1):
                item = FeedbackItem.submit(
                    author_id=rng.choice(members),
                    channel="forum",
                    kind=rng.choice(list(FeedbackKind)),
                    text=f"wish {len(items)}",
                    submitted_at=NOW,
                    now=NOW,
                )
                items.append(item)
            else:
                item = rng.choice(items)
                _change(item, members, rng)
            batch[item.id] = item
            changes += 1
        save(runtime, *batch.values())
        if changes > CHANGES // 2 and erased is not None:
            extra = [
                FeedbackItem.submit(
                    author_id=erased,
                    channel="forum",
                    kind=FeedbackKind.IDEA,
                    text="to be forgotten",
                    submitted_at=NOW,
                    now=NOW,
                )
                for _ in range(40)  # more than a feed page, all moved at once
            ]
            save(runtime, *extra)
            # Moves every item of theirs, all at one position.
            runtime.community.erase_member(cmd.EraseMember(member_id=erased))
            members = members[:-1]
            erased = None  # type: ignore[assignment]
            submitted_extra = len(extra)
    return len(items) + submitted_extra


def _change(item: FeedbackItem, members: list[UUID], rng: random.Random) -> None:
    """One change the item's state allows."""
    roll = rng.random()
    others = [m for m in members if m != item.author_id and m not in item.supporters]
    if roll < 0.35 and others:
        item.support(rng.choice(others), rng.choice(list(Importance)))
    elif roll < 0.5 and item.supporters:
        item.withdraw_support(rng.choice(sorted(item.supporters)))
    elif roll < 0.65:
        wanted = NEXT_STEP.get(item.status, FeedbackStatus.OPEN)
        item.change_status(wanted, changed_by=STAFF)
    elif roll < 0.8:
        item.respond(
            responder_id=rng.choice(members),
            channel="forum",
            responded_at=NOW,
            now=NOW,
            by_staff=False,
        )
    elif roll < 0.9:
        item.triage(product_area=rng.choice(["ui", "api"]), priority=None, team=None)
    else:
        item.link_tracker(f"https://tracker.test/{rng.randint(1, 10**9)}", "T")
