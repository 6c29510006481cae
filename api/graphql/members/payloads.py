"""Success types and named result unions of the member mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.members.types import Member


@strawberry.type
class MemberChanged:
    """Base of the success types: the member as it is after the change (not in the schema)."""

    member: Member = strawberry.field(description="The member after the change (read your write).")
    position: str | None = strawberry.field(
        default=None,
        description="Where the change's last event stands in the community's ordered log (a"
        " notification id, as a string since it outgrows a 32-bit Int); the members view"
        " includes it before this answer is sent. Null when nothing was written.",
    )


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


@strawberry.type(description="The member was recorded.")
class MemberJoined(MemberChanged):
    pass


@strawberry.type(description="The profile was changed (or already so).")
class MemberProfileUpdated(MemberChanged):
    pass


@strawberry.type(description="The identity is linked to the member.")
class IdentityLinked(MemberChanged):
    pass


@strawberry.type(description="The identity no longer belongs to the member.")
class IdentityUnlinked(MemberChanged):
    pass


@strawberry.type(description="The member carries the tag.")
class MemberTagged(MemberChanged):
    pass


@strawberry.type(description="The member no longer carries the tag.")
class MemberUntagged(MemberChanged):
    pass


@strawberry.type(description="The member's staff flag is as asked.")
class StaffFlagSet(MemberChanged):
    pass


@strawberry.type(description="The member's bot flag is as asked.")
class BotFlagSet(MemberChanged):
    pass


@strawberry.type(description="The member is recorded as having left.")
class MemberMarkedLeft(MemberChanged):
    pass


@strawberry.type(description="The member is active again.")
class MemberRejoined(MemberChanged):
    pass


@strawberry.type(description="The member's personal data is erased for good.")
class MemberErased(MemberChanged):
    pass


JoinMemberResult = Annotated[
    MemberJoined | ValidationFailed | Conflict | Forbidden, _result("JoinMemberResult")
]
UpdateMemberProfileResult = Annotated[
    MemberProfileUpdated | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("UpdateMemberProfileResult"),
]
LinkIdentityResult = Annotated[
    IdentityLinked | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("LinkIdentityResult"),
]
UnlinkIdentityResult = Annotated[
    IdentityUnlinked | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("UnlinkIdentityResult"),
]
TagMemberResult = Annotated[
    MemberTagged | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("TagMemberResult"),
]
UntagMemberResult = Annotated[
    MemberUntagged | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("UntagMemberResult"),
]
MarkMemberAsStaffResult = Annotated[
    StaffFlagSet | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("MarkMemberAsStaffResult"),
]
MarkMemberAsBotResult = Annotated[
    BotFlagSet | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("MarkMemberAsBotResult"),
]
MarkMemberLeftResult = Annotated[
    MemberMarkedLeft | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("MarkMemberLeftResult"),
]
RejoinMemberResult = Annotated[
    MemberRejoined | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("RejoinMemberResult"),
]
EraseMemberResult = Annotated[
    MemberErased | ValidationFailed | NotFound | Conflict | Forbidden,
    _result("EraseMemberResult"),
]
