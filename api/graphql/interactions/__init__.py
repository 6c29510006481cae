"""Engagement over GraphQL: recording interactions, scores, activity and top members.

What other contexts may use of it is exported here.
"""

from api.graphql.interactions.mutations import EngagementMutation
from api.graphql.interactions.queries import EngagementQuery
from api.graphql.interactions.resolvers import member_engagement, member_interactions
from api.graphql.interactions.types import InteractionConnection, MemberEngagement

__all__ = [
    "EngagementMutation",
    "EngagementQuery",
    "InteractionConnection",
    "MemberEngagement",
    "member_engagement",
    "member_interactions",
]
