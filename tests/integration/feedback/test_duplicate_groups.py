"""Counts across a duplicate group: each member once, and unmarking restores both items."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from application.runtime import Runtime
from domain.feedback import FeedbackItem, Importance
from projections.feedback.rows import ChangeKind
from tests.integration.feedback.helpers import (
    feedback_runner,
    joined,
    queries,
    save,
    submitted,
)

pytestmark = pytest.mark.integration

# What a row holds apart from its identity and where in the log it changed.
COUNTED = (
    "status",
    "duplicates",
    "supporters",
    "unique_members",
    "weighted_support",
    "loop_closed",
    "loop_owed",
    "responses",
)


def counted(runtime: Runtime, item_id: UUID) -> dict[str, Any]:
    """An item's counts and state, and its supports, as the read model holds them."""
    row = queries(runtime).by_ids([item_id])[item_id]
    supports = [(s.member_id, s.importance) for s in queries(runtime).supporters(item_id)]
    return {name: getattr(row, name) for name in COUNTED} | {"supports": sorted(supports)}


def scenario(runtime: Runtime, members: list[UUID], *, merged: bool) -> tuple[UUID, UUID]:
    """Two items on the same wish, supported before, while (or at the same time) and after
    a merge; with `merged`, the second is marked a duplicate of the first, then unmarked."""
    a, b, c, d, e = members
    canonical = submitted(runtime, a, "Export to CSV")
    duplicate = submitted(runtime, b, "CSV export please")
    canonical.support(c, Importance.NICE_TO_HAVE)
    duplicate.support(c, Importance.CRITICAL)  # c backs both: counted once, weight 3
    save(runtime, canonical, duplicate)
    feedback_runner(runtime).catch_up()
    if merged:
        duplicate.mark_duplicate(canonical.id, marked_by=e)
        save(runtime, duplicate)
        feedback_runner(runtime).catch_up()
    # Given while merged (or at the same moment in the scenario that never merges).
    duplicate.support(d, Importance.IMPORTANT)
    duplicate.support(a, Importance.UNKNOWN)  # the canonical's author backs the duplicate
    canonical.support(b, Importance.IMPORTANT)  # the duplicate's author backs the canonical
    save(runtime, canonical, duplicate)
    feedback_runner(runtime, batch_size=1).catch_up()
    if merged:
        group = counted(runtime, canonical.id)
        # a, b, c, d once each; weights a 1, b 2, c 3 (its highest), d 2.
        assert (group["unique_members"], group["weighted_support"]) == (4, 8.0)
        assert group["duplicates"] == 1
        assert group["supporters"] == 2  # its own supports are untouched: c and b
        own = counted(runtime, duplicate.id)
        assert (own["unique_members"], own["weighted_support"]) == (4, 7.0)  # b1 c3 d2 a1
        duplicate.unmark_duplicate(unmarked_by=e)
        save(runtime, duplicate)
        feedback_runner(runtime).catch_up()
    return canonical.id, duplicate.id


def test_unmarking_restores_both_items_as_if_never_merged(runtime: Runtime) -> None:
    members = [joined(runtime, name) for name in "ABCDE"]
    merged = scenario(runtime, members, merged=True)
    never = scenario(runtime, members, merged=False)
    for after_unmark, never_merged in zip(merged, never, strict=True):
        assert counted(runtime, after_unmark) == counted(runtime, never_merged)
    canonical = counted(runtime, merged[0])
    assert (canonical["unique_members"], canonical["weighted_support"]) == (3, 4.0)  # a1 c1 b2
    assert canonical["duplicates"] == 0
    rows = queries(runtime).by_ids(list(merged))
    assert rows[merged[1]].duplicate_of is None


def test_each_group_change_moves_the_canonical_item_in_the_feed(runtime: Runtime) -> None:
    a, b, c, d = (joined(runtime, name) for name in "ABCD")
    canonical = submitted(runtime, a)
    duplicate = submitted(runtime, b)
    feedback_runner(runtime).catch_up()
    before = queries(runtime).by_ids([canonical.id])[canonical.id].position
    duplicate.mark_duplicate(canonical.id, marked_by=d)
    duplicate.support(c, Importance.CRITICAL)
    duplicate.withdraw_support(c)
    duplicate.unmark_duplicate(unmarked_by=d)
    save(runtime, duplicate)
    feedback_runner(runtime, batch_size=2).catch_up()
    history = queries(runtime).history(canonical.id)
    assert [h.change for h in history] == [ChangeKind.SUBMITTED] + [ChangeKind.GROUP_CHANGED] * 4
    assert [h.detail["change"] for h in history[1:]] == [
        "marked_duplicate",
        "supported",
        "support_withdrawn",
        "unmarked_duplicate",
    ]
    duplicate_history = queries(runtime).history(duplicate.id)
    # Each change of the duplicate and its echo on the canonical share a notification id.
    assert [h.position for h in history[1:]] == [h.position for h in duplicate_history[1:]]
    row = queries(runtime).by_ids([canonical.id])[canonical.id]
    assert row.position == duplicate_history[-1].position > before
    assert (row.unique_members, row.weighted_support, row.duplicates) == (1, 1.0, 0)
    feed = queries(runtime).changes(before, 10)
    assert {e.item.item_id: e.changes[-1] for e in feed.entries} == {
        canonical.id: ChangeKind.GROUP_CHANGED,
        duplicate.id: ChangeKind.UNMARKED_DUPLICATE,
    }


def test_one_page_or_one_event_at_a_time_gives_the_same_counts(runtime: Runtime) -> None:
    members = [joined(runtime, name) for name in "ABCDEFG"]
    items: list[FeedbackItem] = [submitted(runtime, m, f"Wish {n}") for n, m in enumerate(members)]
    weights = list(Importance)
    for n, item in enumerate(items):
        for k, member in enumerate(members):
            if member != item.author_id and (n + k) % 3:
                item.support(member, weights[(n + k) % 4])
    for item in items[1:4]:
        item.mark_duplicate(items[0].id, marked_by=members[-1])
    items[2].withdraw_support(next(iter(items[2].supporters)))
    items[3].unmark_duplicate(unmarked_by=members[-1])
    save(runtime, *items)
    feedback_runner(runtime, batch_size=1).catch_up()
    one_by_one = {i.id: counted(runtime, i.id) for i in items}
    runner = feedback_runner(runtime, batch_size=10_000)
    runner.reset()
    runner.catch_up()
    assert {i.id: counted(runtime, i.id) for i in items} == one_by_one
    group = {items[0].author_id, *items[0].supporters}
    for item in items[1:3]:
        group |= {item.author_id, *item.supporters}
    assert one_by_one[items[0].id]["unique_members"] == len(group)
    assert one_by_one[items[0].id]["duplicates"] == 2
