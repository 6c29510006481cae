"""`crm project --retry-parked` and `--skip-parked`: what to do with parked events."""

from __future__ import annotations

import typer

from api.cli.common import console
from api.projection_wiring import build_runners
from application.runtime import Runtime
from projections.parking import skip_parked
from projections.positions import RuleChanged

RETRY_HELP = (
    "Apply the parked events again, in log order, and clear those that now apply. A parked"
    " event applied late lands on today's state, not where it stood in the log;"
    " --rebuild is the exact alternative."
)
SKIP_HELP = (
    "Give up on the parked events: kept for audit (status `skipped`), no longer counted"
    " as degraded."
)


def retry(runtime: Runtime, names: list[str]) -> None:
    """Re-apply each named projection's parked events; exits 1 if some still fail."""
    still_parked = 0
    for runner in build_runners(runtime):
        if runner.name not in names:
            continue
        try:
            applied, failed = runner.retry_parked()
        except RuleChanged as changed:
            console.print(f"{runner.name}: {changed}")
            raise typer.Exit(1) from changed
        console.print(f"{runner.name}: {applied} applied, {failed} still parked")
        still_parked += failed
    if still_parked:
        raise typer.Exit(1)


def skip(runtime: Runtime, names: list[str]) -> None:
    """Mark each named projection's parked events skipped."""
    for name, count in skip_parked(runtime.pool, names).items():
        console.print(f"{name}: {count} skipped")
