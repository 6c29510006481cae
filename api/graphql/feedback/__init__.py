"""Feedback over GraphQL: items, the manager's reports, the change feed, and member.feedback.

What other contexts may use of it is exported here.
"""

from api.graphql.feedback.member import MemberFeedback, member_feedback
from api.graphql.feedback.queries import FeedbackQuery
from api.graphql.feedback.subscriptions import FeedbackSubscription
from api.graphql.feedback.types import FeedbackItem, feedback_item_from_row, load_feedback_item

__all__ = [
    "FeedbackItem",
    "FeedbackQuery",
    "FeedbackSubscription",
    "MemberFeedback",
    "feedback_item_from_row",
    "load_feedback_item",
    "member_feedback",
]
