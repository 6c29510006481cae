"""`crm apikey create|list|revoke`: who may call the API."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import typer
from rich.table import Table

from api.auth import ApiKeys, Role
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


@keys_app.command("list")
def apikey_list() -> None:
    """List keys (never their secrets)."""
    runtime = Runtime.start(load_settings())
    try:
        keys = ApiKeys(runtime.pool).list()
    finally:
        runtime.close()
    table = Table("id", "name", "role", "prefix", "created", "last used", "revoked")
    for key in keys:
        table.add_row(
            str(key.key_id),
            key.name,
            key.role.value,
            key.prefix,
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "-",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-",
        )
    console.print(table)


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
