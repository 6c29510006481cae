"""The `crm` command: serve, migrate, projections, keys, import, evaluate, backtest, report,
webhooks."""

from __future__ import annotations

from api.cli import (  # noqa: F401  (each registers its commands)
    ambassadors,
    data,
    events,
    exports,
    keys,
    lifecycle,
    members,
    platforms,
    rebuild,
    report,
    server,
    webhooks,
)
from api.cli.common import app


def main() -> None:
    """Entry point of the `crm` console script."""
    app()
