"""A rebuild from the log gives the very rows the live projection wrote, page by page."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from application.runtime import Runtime
from projections.feedback.histogram import OF_ITEMS, ROLLUP_OF
from projections.feedback.rows import ChangeKind
from projections.positions import head_of_log, lags
from tests.conftest import TEST_SECRET
from tests.integration.conftest import rows
from tests.integration.feedback.helpers import feedback_runner, queries
from tests.integration.feedback.scenario import every_change
from tests.integration.test_cli import ROOT, crm_command

pytestmark = pytest.mark.integration


def read_model(runtime: Runtime) -> dict[str, Any]:
    """Every row of the feedback read model, text opened (ciphertexts differ per sealing)."""
    url = runtime.database_url
    ids = [r[0] for r in rows(url, "SELECT item_id FROM feedback_items ORDER BY item_id")]
    return {
        "items": sorted(queries(runtime).by_ids(ids).values(), key=lambda r: r.item_id),
        "sealed": rows(
            url, "SELECT item_id, sealed_text IS NULL FROM feedback_items ORDER BY item_id"
        ),
        **{
            table: rows(url, f"SELECT * FROM {table} ORDER BY 1, 2")
            for table in ("feedback_supports", "feedback_history", "feedback_loops")
        },
        "feedback_terms": rows(url, "SELECT * FROM feedback_terms ORDER BY item_id, term"),
        "feedback_response_histogram": rows(url, f"SELECT * FROM feedback_response_histogram {BY}"),
        "feedback_response_rollup": rows(url, f"SELECT * FROM feedback_response_rollup {ROLLED}"),
    }


BY = "ORDER BY week, channel, priority NULLS FIRST, bucket"
ROLLED = "ORDER BY kind, week, channel NULLS FIRST, priority NULLS FIRST, bucket"


def histogram_of_the_items(runtime: Runtime) -> list[Any]:
    """The response-time histogram as computed from scratch from the items' rows."""
    return rows(runtime.database_url, f"SELECT * FROM ({OF_ITEMS}) AS placed {BY}")


def rollup_of_the_items(runtime: Runtime) -> list[Any]:
    """The histogram's rollup as computed from scratch from the items' rows."""
    rollup = ROLLUP_OF.format(rows=f"({OF_ITEMS}) AS placed")
    return rows(runtime.database_url, f"SELECT * FROM ({rollup}) AS rolled {ROLLED}")


def rebuild_with_the_cli(runtime: Runtime, folder: Path) -> None:
    """`crm project --rebuild feedback`, in a process of its own."""
    env = {
        **os.environ,
        "CRM_DATABASE_URL": runtime.database_url,
        "CRM_SECRET_KEY": TEST_SECRET,
        "CRM_ENVIRONMENT": "test",
        "CRM_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
    }
    finished = subprocess.run(
        [*crm_command(), "project", "--rebuild", "feedback"],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "feedback rebuilt" in finished.stdout


def test_a_rebuild_gives_the_rows_of_the_live_projection(runtime: Runtime, tmp_path: Path) -> None:
    community = every_change(runtime)
    # Live: small pages, caught up after each step of the scenario (here: at the end, in
    # pages of 2 that cut the scenario's transactions apart).
    feedback_runner(runtime, batch_size=2).catch_up()
    live = read_model(runtime)
    # Moved page by page (submitted, answered, triaged), it is what the items say.
    assert live["feedback_response_histogram"] == histogram_of_the_items(runtime)
    assert sum(r[4] for r in live["feedback_response_histogram"]) == len(live["items"])
    assert any(r[3] >= 0 and r[2] is not None for r in live["feedback_response_histogram"])
    # Its rollup took the same moves: every kind sums to every item.
    assert live["feedback_response_rollup"] == rollup_of_the_items(runtime)
    for kind in ("week", "channel", "priority", "over"):
        rolled = [r for r in live["feedback_response_rollup"] if r[0] == kind]
        assert sum(r[5] for r in rolled) == len(live["items"])

    rebuild_with_the_cli(runtime, tmp_path)
    assert read_model(runtime) == live
    assert lags(runtime.pool, ["feedback"])[0].position == head_of_log(runtime.pool)

    dark, colours, praise, bug, old = (live_item(live, i.id) for i in community.items)
    placed = (dark.status, dark.priority, dark.team, dark.tracker_key)
    assert placed == ("planned", "high", "web", "DM-1")
    # The author's and the bot's answers do not count as the first response; staff's does.
    assert (dark.responses, dark.first_response_channel) == (3, "slack")
    # dark: a, c (critical), d; colours: b, c, f (critical): five members once each.
    weights = 1 + 3 + 1 + 1 + 3
    assert (dark.unique_members, dark.weighted_support, dark.duplicates) == (5, weights, 1)
    assert (colours.duplicate_of, colours.unique_members, colours.supporters) == (
        dark.item_id,
        3,
        2,
    )
    assert (dark.loop_closed, dark.loop_owed) == (2, 3)
    assert (bug.supporters, bug.tracker_url) == (0, None)
    assert (old.author_erased, old.text, old.unique_members) == (True, None, 2)
    assert dark.text == "Dark mode for the dashboard"
    assert dark.source_url == "https://forum.test/1"
    assert praise.status == "answered"
    kinds = {h.change for h in queries(runtime).history(dark.item_id)}
    assert ChangeKind.GROUP_CHANGED in kinds and ChangeKind.LOOP_CLOSED in kinds


def live_item(model: dict[str, Any], item_id: object) -> Any:
    """An item's row in a read model snapshot."""
    return next(r for r in model["items"] if r.item_id == item_id)
