"""Merged members in the health KPIs: one person from the merge day on, answers as of the
days before kept, the members apart again after an unmerge, and a rebuild writing the
rows of live processing at each step."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from application.runtime import Runtime
from domain.members import commands as cmd
from tests.integration.conftest import rows
from tests.integration.health.test_community_health import WEEK, health
from tests.integration.health.test_health_projection import (
    Clock,
    health_runner,
    join,
    record,
    snapshot,
)

pytestmark = pytest.mark.integration

DAY1, DAY2, DAY3, DAY4 = date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 10), date(2026, 4, 12)


def new_and_active(runtime: Runtime, as_of: date | None) -> list[tuple[int, int]]:
    """(new, active) in the weeks of 2 and 9 March 2026, as known at the end of `as_of`."""
    weeks = health(runtime).kpis(date(2026, 3, 2), date(2026, 3, 16), WEEK, None, as_of)
    return [(week.new.value, week.active.value) for week in weeks]


def rebuilt_as_live(runtime: Runtime) -> None:
    """Live processing, then a rebuild: the same rows."""
    health_runner(runtime, batch_size=2).catch_up()
    live = snapshot(runtime)
    runner = health_runner(runtime, batch_size=500)
    runner.reset(replay=True)
    runner.catch_up()
    assert snapshot(runtime) == live


def test_a_merged_person_counts_once_from_the_merge_day(runtime: Runtime, clock: Clock) -> None:
    clock.on(DAY1)
    ada, adal, lovelace = (join(runtime, name) for name in ("Ada", "Ada L.", "Lovelace"))
    record(runtime, ada, "2026-03-02T10:00:00")
    record(runtime, adal, "2026-03-04T10:00:00", "github")
    record(runtime, adal, "2026-03-10T10:00:00", "github")
    record(runtime, lovelace, "2026-03-11T10:00:00")
    clock.on(DAY2)
    merges = [
        runtime.community.merge_members(cmd.MergeMembers(source_id=s, target_id=adal)).merge.id  # type: ignore[arg-type]
        for s in (ada, lovelace)
    ]
    clock.on(DAY3)
    record(runtime, ada, "2026-03-12T10:00:00")  # through the source, while merged
    rebuilt_as_live(runtime)
    # One person, new in the week of its first interaction ever (Ada's), active in both.
    assert new_and_active(runtime, None) == [(1, 1), (0, 1)]
    assert new_and_active(runtime, DAY1) == [(2, 2), (1, 2)]  # before the merge day
    clock.on(DAY4)
    runtime.community.unmerge_members(cmd.UnmergeMembers(merge_id=merges[0]))
    rebuilt_as_live(runtime)
    # Ada apart again, with the interaction that came through her while merged; Ada L.
    # and Lovelace still one person.
    assert new_and_active(runtime, None) == [(2, 2), (0, 2)]
    assert new_and_active(runtime, DAY3) == [(1, 1), (0, 1)]
    persons = "SELECT member_id, counted_as FROM health_members WHERE person_of IS NOT NULL"
    (person,) = rows(runtime.database_url, persons)
    assert person[1] is None
    counted_as = rows(
        runtime.database_url,
        "SELECT member_id FROM health_members WHERE counted_as = %s ORDER BY member_id",
        (person[0],),
    )
    assert counted_as == sorted([(adal,), (lovelace,)], key=lambda r: UUID(str(r[0])))
    runtime.community.unmerge_members(cmd.UnmergeMembers(merge_id=merges[1]))
    health_runner(runtime).catch_up()
    assert rows(runtime.database_url, persons) == []
    assert new_and_active(runtime, None) == [(2, 2), (1, 3)]
