"""The `crm` command: serve, migrate, run projections, manage keys, import, evaluate, backtest."""

from __future__ import annotations

from api.cli import (  # noqa: F401  (each registers its commands)
    ambassadors,
    data,
    exports,
    keys,
    lifecycle,
    rebuild,
    server,
)
from api.cli.common import app


def main() -> None:
    """Entry point of the `crm` console script."""
    app()
