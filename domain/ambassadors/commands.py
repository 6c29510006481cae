"""Program commands: what a caller asks of an ambassadorship, validated before the domain."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, Field

from domain.commands import Command
from domain.values import check_plain_text

MAX_TIER = 50
MAX_REASON = 2000


def _one_line(value: str, what: str, limit: int) -> str:
    """Plain text on one trimmed line, not empty, at most `limit` characters."""
    cleaned = " ".join(check_plain_text(value, what).split())
    if not cleaned:
        raise ValueError(f"{what} must not be empty")
    if len(cleaned) > limit:
        raise ValueError(f"{what} must be at most {limit} characters")
    return cleaned


def _tier(value: str) -> str:
    return _one_line(value, "tier", MAX_TIER)


def _reason(value: str) -> str:
    return _one_line(value, "reason", MAX_REASON)


def _optional_reason(value: str | None) -> str | None:
    return None if value is None else _reason(value)


Tier = Annotated[str, AfterValidator(_tier)]
Reason = Annotated[str, AfterValidator(_reason)]
OptionalReason = Annotated[str | None, AfterValidator(_optional_reason)]


class ProgramCommand(Command):
    """A move of one member's ambassadorship, made by a staff member (`by`)."""

    member_id: UUID
    by: UUID
    # The ambassadorship's version the caller saw; a later one refuses the move.
    expected_version: int | None = Field(default=None, ge=1)


class NominateAmbassador(ProgramCommand):
    """Put the member forward for the program (their candidacy factors are kept)."""


class ApproveAmbassador(ProgramCommand):
    """Accept the nomination at a tier: the term starts now."""

    tier: Tier


class DeclineAmbassador(ProgramCommand):
    """Turn the nomination down, saying why."""

    reason: Reason


class ChangeAmbassadorTier(ProgramCommand):
    """Move the ambassador to another tier."""

    tier: Tier


class PauseAmbassador(ProgramCommand):
    """Let the ambassador step back for a while (the term still runs)."""

    reason: OptionalReason = None


class ResumeAmbassador(ProgramCommand):
    """Take the ambassador back from a pause."""


class RenewAmbassador(ProgramCommand):
    """Extend the term by one more term."""


class RetireAmbassador(ProgramCommand):
    """End the ambassadorship, saying why."""

    reason: Reason
