"""The outreach context over GraphQL: notes, tasks, outreach, newcomers and discussions."""

from api.graphql.outreach.tasks_mutations import TaskMutation
from api.graphql.outreach.tasks_queries import TaskQuery, member_tasks
from api.graphql.outreach.tasks_types import FollowUpTaskConnection

__all__ = ["FollowUpTaskConnection", "TaskMutation", "TaskQuery", "member_tasks"]
