"""The conduct context over GraphQL; what other contexts may use of it is exported here."""

from api.graphql.conduct.enums import Standing
from api.graphql.conduct.mutations import ConductMutation
from api.graphql.conduct.queries import ConductQuery
from api.graphql.conduct.standing import member_standing
from api.graphql.conduct.types import MemberStanding

__all__ = ["ConductMutation", "ConductQuery", "MemberStanding", "Standing", "member_standing"]
