"""Lifecycle over GraphQL: at-risk members with their evidence, at any date, and rule drafts.

What other contexts may use of it is exported here.
"""

from api.graphql.lifecycle.queries import LifecycleQuery, stage_history
from api.graphql.lifecycle.subscriptions import LifecycleSubscription
from api.graphql.lifecycle.types import MemberStage, StageChange

__all__ = [
    "LifecycleQuery",
    "LifecycleSubscription",
    "MemberStage",
    "StageChange",
    "stage_history",
]
