"""`crm members merge|unmerge`: two members counted as one person, and undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

import typer

from api.cli.common import app, console, load_settings
from api.projection_wiring import catch_up_all
from application.members.community import Community
from application.members.merging import MergeChange
from application.runtime import Runtime
from domain.errors import DomainError
from domain.members import commands as cmd
from domain.members.merges import MergeRefused

members_app = typer.Typer(help="Merge members who are one person, and undo merges.")
app.add_typer(members_app, name="members")


@members_app.command("merge")
def merge(
    source: Annotated[UUID, typer.Argument(help="The member merged away (its id).")],
    target: Annotated[UUID, typer.Argument(help="The member that stays (its id).")],
) -> None:
    """Count SOURCE as TARGET from now on; prints the merge id (for `crm members unmerge`)."""
    command = cmd.MergeMembers(source_id=source, target_id=target)
    change = _run(lambda community: community.merge_members(command))
    console.print(f"merged {source} into {target}: merge id {change.merge.id}")


@members_app.command("unmerge")
def unmerge(
    merge_id: Annotated[UUID, typer.Argument(help="The id `crm members merge` printed.")],
) -> None:
    """Undo a merge: the source comes back with everything that is its own."""
    change = _run(
        lambda community: community.unmerge_members(cmd.UnmergeMembers(merge_id=merge_id))
    )
    console.print(f"unmerged {change.merge.source_id} from {change.merge.target_id}")


def _run(act: Callable[[Community], MergeChange]) -> MergeChange:
    """Act on the community, project the change, and exit non-zero with the refusal."""
    runtime = Runtime.start(load_settings())
    try:
        try:
            change = act(runtime.community)
        except MergeRefused as error:
            console.print(f"refused ({error.reason}, {error.field}): {error}", style="red")
            raise typer.Exit(1) from None
        except DomainError as error:
            console.print(f"refused ({error.code}): {error}", style="red")
            raise typer.Exit(1) from None
        catch_up_all(runtime)
        return change
    finally:
        runtime.close()
