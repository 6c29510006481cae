"""Members over GraphQL: the member page, lists, search, and lifecycle mutations.

What other contexts may use of it is exported here.
"""

from api.graphql.members.execute import WRITE_ROLES
from api.graphql.members.inputs import IdentityInput
from api.graphql.members.merging import MergeMutation
from api.graphql.members.mutations import MemberMutation
from api.graphql.members.queries import MemberQuery, load_members, member_by_id
from api.graphql.members.subscriptions import MemberSubscription
from api.graphql.members.suggestions import MatchMutation, MatchQuery
from api.graphql.members.types import Channel, Member

__all__ = [
    "WRITE_ROLES",
    "Channel",
    "IdentityInput",
    "MatchMutation",
    "MatchQuery",
    "Member",
    "MergeMutation",
    "MemberMutation",
    "MemberQuery",
    "MemberSubscription",
    "load_members",
    "member_by_id",
]
