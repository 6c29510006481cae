"""Typed refusals of the domain: each says which rule a command broke."""

from __future__ import annotations

from uuid import UUID


class DomainError(Exception):
    """A command the domain refuses; nothing is recorded when one is raised."""

    code = "DOMAIN_ERROR"


class MemberNotFound(DomainError):
    """No member has this id."""

    code = "MEMBER_NOT_FOUND"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"no member with id {member_id}")
        self.member_id = member_id


class ConflictError(DomainError):
    """The command contradicts the member's current state."""

    code = "CONFLICT"


class MemberIsErased(ConflictError):
    """An erased member's record is closed: it cannot be changed any more."""

    code = "MEMBER_ERASED"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} was erased and can no longer be changed")
        self.member_id = member_id


class IdentityAlreadyLinked(ConflictError):
    """A (channel, handle) pair belongs to one member at most."""

    code = "IDENTITY_ALREADY_LINKED"

    def __init__(self, channel: str, holder_id: UUID | None = None) -> None:
        holder = f" to member {holder_id}" if holder_id else " to another member"
        super().__init__(f"this {channel} identity is already linked{holder}")
        self.channel = channel
        self.holder_id = holder_id


class IdentityNotLinked(ConflictError):
    """Only an identity the member holds can be unlinked."""

    code = "IDENTITY_NOT_LINKED"

    def __init__(self, channel: str) -> None:
        super().__init__(f"the member holds no such {channel} identity")
        self.channel = channel


class MemberAlreadyLeft(ConflictError):
    """A member who has left cannot leave again before rejoining."""

    code = "MEMBER_ALREADY_LEFT"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} has already left")
        self.member_id = member_id


class MemberHasNotLeft(ConflictError):
    """Only a member who left can rejoin."""

    code = "MEMBER_HAS_NOT_LEFT"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} has not left, so cannot rejoin")
        self.member_id = member_id


class VersionMismatch(ConflictError):
    """The caller edited a version of the member that is no longer current."""

    code = "VERSION_MISMATCH"

    def __init__(self, member_id: UUID, expected: int, actual: int) -> None:
        super().__init__(
            f"member {member_id} is at version {actual}, not {expected}: reload and retry"
        )
        self.expected = expected
        self.actual = actual


class ConcurrentModification(ConflictError):
    """Other writers kept changing the member while this command retried."""

    code = "CONCURRENT_MODIFICATION"

    def __init__(self, member_id: UUID) -> None:
        super().__init__(f"member {member_id} is being changed concurrently: retry later")
        self.member_id = member_id


class InvalidField(DomainError):
    """A value that is well-formed but breaks a domain rule (e.g. a date in the future)."""

    code = "INVALID_FIELD"
    field_code = "invalid"  # the reason as a field error's code

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
