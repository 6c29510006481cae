"""`crm apikey create|list|revoke`: who may call the API."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
from rich import box
from rich.table import Table

from api.auth import ApiKeys, KeyInfo, Role
from api.cli.common import console, keys_app, load_settings
from application.runtime import Runtime


@keys_app.command("create")
def apikey_create(
    role: Annotated[Role, typer.Option(help="What the key may do.")],
    name: Annotated[str, typer.Option(help="Who or what uses the key.")],
) -> None:
    """Create a key and print it once; only its hash is stored."""
    runtime = Runtime.start(load_settings())
    try:
        issued = ApiKeys(runtime.pool).create(name=name, role=role)
    finally:
        runtime.close()
    console.print(f"key {issued.key_id} ({issued.role.value}, {issued.name}):")
    print(issued.secret)


KEY_COLUMNS = ("id", "name", "role", "prefix", "created", "last used", "revoked")


@keys_app.command("list")
def apikey_list() -> None:
    """List keys (never their secrets); piped, one tab-separated line per key."""
    runtime = Runtime.start(load_settings())
    try:
        keys = ApiKeys(runtime.pool).list()
    finally:
        runtime.close()
    rows = [key_row(key) for key in keys]
    if not console.is_terminal:
        # For scripts (`| grep ci | cut -f1`): every field whole, whatever the width.
        for row in (KEY_COLUMNS, *rows):
            print("\t".join(row))
        return
    console.print(key_table(rows))


def key_row(key: KeyInfo) -> tuple[str, ...]:
    """A key's fields as listed."""
    return (
        str(key.key_id),
        key.name,
        key.role.value,
        key.prefix,
        f"{key.created_at:%Y-%m-%d %H:%M}",
        f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-",
        f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-",
    )


def key_table(rows: list[tuple[str, ...]]) -> Table:
    """The keys as a table whose ids are never cut: `revoke` needs them whole."""
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column(KEY_COLUMNS[0], no_wrap=True, min_width=len(str(UUID(int=0))))
    for name in KEY_COLUMNS[1:]:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


@keys_app.command("revoke")
def apikey_revoke(key_id: Annotated[UUID, typer.Argument(help="The key's id.")]) -> None:
    """Revoke a key: it stops working at once."""
    runtime = Runtime.start(load_settings())
    try:
        revoked = ApiKeys(runtime.pool).revoke(key_id)
    finally:
        runtime.close()
    if not revoked:
        console.print(f"no active key {key_id}")
        raise typer.Exit(1)
    console.print(f"revoked {key_id}")
