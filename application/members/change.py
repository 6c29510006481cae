"""What a member command answers with."""

from __future__ import annotations

from dataclasses import dataclass

from domain.members.member import Member


@dataclass(frozen=True)
class Change:
    """The outcome of a command: the member after it, and where its last event landed."""

    member: Member
    position: int | None
