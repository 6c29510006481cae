"""Member commands through group commit: the same answers as the Community's own methods,
with many concurrent callers' commands written in one transaction (batch.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from application.group_commit import BatchStats, GroupCommit
from application.members.acts import ChangeCommand
from application.members.batch import MemberCall, write_member_calls
from application.members.change import Change
from domain.members import commands as cmd

if TYPE_CHECKING:
    from application.members.community import Community


class QueuedMemberCommands:
    """Joins and changes of members, queued for the next batch; each answers on its own.

    `settle(position)` runs once per batch written, before any of its callers is
    answered, with the last position the batch wrote: the member read model is applied
    there, so a caller reads its own write back without waiting for the projection worker.
    """

    def __init__(
        self,
        community: Community,
        *,
        window_seconds: float,
        max_batch: int,
        settle: Callable[[int], object] | None = None,
    ) -> None:
        self.community = community
        self._settle = settle
        self._commit: GroupCommit[MemberCall, Change] = GroupCommit(
            self._write,
            window_seconds=window_seconds,
            max_batch=max_batch,
            settle=self._settled if settle else None,
            name="member-commands",
        )

    def join_member(self, command: cmd.JoinMember) -> Future[Change]:
        """Queue a join."""
        return self._commit.submit(MemberCall(command))

    def change_member(self, command: ChangeCommand) -> Future[Change]:
        """Queue a change of an existing member, timed now."""
        return self._commit.submit(MemberCall(command, self.community.act_for(command)))

    @property
    def stats(self) -> BatchStats:
        """Batches written so far."""
        return self._commit.stats

    def close(self) -> None:
        """Write and answer what is queued, then stop."""
        self._commit.close()

    def _write(self, calls: Sequence[MemberCall]) -> list[Any]:
        return write_member_calls(self.community, calls)

    def _settled(self, outcomes: Sequence[Change | BaseException]) -> None:
        positions = [o.position for o in outcomes if isinstance(o, Change) and o.position]
        if positions and self._settle is not None:
            self._settle(max(positions))
