"""Success types and named result unions of the member mutations."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from api.graphql.errors import Conflict, Forbidden, NotFound, ValidationFailed
from api.graphql.members.types import Member


def _payload(name: str, description: str) -> Any:
    """A success type carrying the member as it is after the change."""
    namespace = {
        "__annotations__": {"member": Member},
        "member": strawberry.field(description="The member after the change (read your write)."),
    }
    return strawberry.type(type(name, (), namespace), name=name, description=description)


def _result(name: str) -> Any:
    """A named result union; clients switch on __typename."""
    return strawberry.union(
        name, description="The success type, or the typed error that explains the refusal."
    )


MemberJoined = _payload("MemberJoined", "The member was recorded.")
MemberProfileUpdated = _payload("MemberProfileUpdated", "The profile was changed (or already so).")
IdentityLinked = _payload("IdentityLinked", "The identity is linked to the member.")
IdentityUnlinked = _payload("IdentityUnlinked", "The identity no longer belongs to the member.")
MemberTagged = _payload("MemberTagged", "The member carries the tag.")
MemberUntagged = _payload("MemberUntagged", "The member no longer carries the tag.")
StaffFlagSet = _payload("StaffFlagSet", "The member's staff flag is as asked.")
BotFlagSet = _payload("BotFlagSet", "The member's bot flag is as asked.")
MemberMarkedLeft = _payload("MemberMarkedLeft", "The member is recorded as having left.")
MemberRejoined = _payload("MemberRejoined", "The member is active again.")
MemberErased = _payload("MemberErased", "The member's personal data is erased for good.")

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
