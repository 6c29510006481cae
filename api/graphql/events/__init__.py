"""Community events over GraphQL: scheduling, registrations, check-ins and their figures."""

from api.graphql.events.mutations import EventMutation
from api.graphql.events.queries import EventQuery, member_events
from api.graphql.events.types import EventParticipation

__all__ = ["EventMutation", "EventQuery", "EventParticipation", "member_events"]
