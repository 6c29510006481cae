"""The outreach context over GraphQL: notes, tasks, outreach, newcomers and discussions."""

from api.graphql.outreach.motivations import (
    MotivationMutation,
    MotivationQuery,
    member_motivation,
)
from api.graphql.outreach.notes import NoteMutation
from api.graphql.outreach.notes_types import member_notes
from api.graphql.outreach.tasks_mutations import TaskMutation
from api.graphql.outreach.tasks_queries import TaskQuery, member_tasks
from api.graphql.outreach.tasks_types import FollowUpTaskConnection

__all__ = [
    "FollowUpTaskConnection",
    "MotivationMutation",
    "MotivationQuery",
    "NoteMutation",
    "TaskMutation",
    "TaskQuery",
    "member_motivation",
    "member_notes",
    "member_tasks",
]
