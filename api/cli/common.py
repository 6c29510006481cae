"""What the `crm` commands share: the Typer apps, the console, and settings loading."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

from application.settings import Settings

app = typer.Typer(help="community-crm: an event-sourced CRM for online communities.")
keys_app = typer.Typer(help="Create, list and revoke API keys.")
app.add_typer(keys_app, name="apikey")
import_app = typer.Typer(help="Import data from files.")
app.add_typer(import_app, name="import")
export_app = typer.Typer(help="Export data to files.")
app.add_typer(export_app, name="export")
console = Console()


def load_settings() -> Settings:
    """Validated settings, with logging configured from them."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return settings
