"""Bringing many projections to the head of the log in one process, a few at a time."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from projections.engine import ProjectionRunner

# Projections caught up at once: one's statements run in PostgreSQL while another's
# events are decoded and folded in Python, so two keep both of a small machine's cores busy.
CATCH_UP_THREADS = 2


def catch_up_together(runners: Sequence[ProjectionRunner], threads: int = CATCH_UP_THREADS) -> None:
    """Catch every runner up, `threads` at a time; one failing never stops the others, and
    the first failure (in the runners' order) is raised once all have run."""
    with ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="catch-up") as pool:
        futures = [pool.submit(runner.catch_up) for runner in runners]
    for future in futures:
        future.result()
