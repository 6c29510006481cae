"""The outreach context over GraphQL: notes, tasks, outreach, newcomers and discussions."""

from api.graphql.outreach.motivations import (
    MotivationMutation,
    MotivationQuery,
    member_motivation,
)
from api.graphql.outreach.notes import NoteMutation
from api.graphql.outreach.notes_types import member_notes

__all__ = [
    "MotivationMutation",
    "MotivationQuery",
    "NoteMutation",
    "member_motivation",
    "member_notes",
]
