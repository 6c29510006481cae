"""`crm webhooks deliver`: the webhooks deliverer as a process of its own."""

from __future__ import annotations

import signal
import threading

import typer

from api.cli.common import app, console, load_settings
from api.webhook_wiring import webhook_deliverer
from application.runtime import Runtime

webhooks_app = typer.Typer(help="Outgoing webhooks.")
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command()
def deliver() -> None:
    """Send the outbox's webhooks until stopped (SIGINT or SIGTERM).

    Run one beside `crm serve --no-webhooks` (or several: they share the work). Killed at
    any moment, nothing is lost: deliveries it had claimed are sent again by the next
    deliverer once their lease ends, with the same idempotency key.
    """
    settings = load_settings()
    runtime = Runtime.start(settings)
    deliverer = webhook_deliverer(runtime)
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    console.print("delivering webhooks; Ctrl-C stops")
    deliverer.start()
    try:
        while not stopped.wait(1.0):
            pass
    finally:
        deliverer.stop()
        runtime.close()
