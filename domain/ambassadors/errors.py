"""Typed refusals of the ambassador program, beyond the moves' IllegalProgramMove."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ConcurrentModification, ConflictError, VersionMismatch


class NotEligible(ConflictError):
    """Staff, bots and members who left are not put forward as ambassadors."""

    code = "NOT_ELIGIBLE"

    def __init__(self, member_id: UUID, why: str) -> None:
        super().__init__(f"member {member_id} cannot be nominated: {why}")
        self.member_id = member_id
        self.why = why


class AmbassadorshipVersionMismatch(VersionMismatch):
    """The caller moved a version of the ambassadorship that is no longer current."""

    def __init__(self, member_id: UUID, expected: int, actual: int) -> None:
        super().__init__(member_id, expected, actual)
        self.args = (
            f"the ambassadorship of member {member_id} is at version {actual}, not {expected}: "
            "reload and retry",
        )


class AmbassadorshipModifiedConcurrently(ConcurrentModification):
    """Other writers kept moving the ambassadorship while this command retried."""

    def __init__(self, member_id: UUID) -> None:
        super().__init__(member_id)
        self.args = (f"the ambassadorship of member {member_id} is being changed: retry later",)
