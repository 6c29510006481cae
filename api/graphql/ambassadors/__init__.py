"""The ambassador program over GraphQL: its mutations, the ambassador list, and
member.ambassadorship.

What other contexts may use of it is exported here.
"""

from api.graphql.ambassadors.mutations import ProgramMutation
from api.graphql.ambassadors.queries import AmbassadorQuery, member_ambassadorship
from api.graphql.ambassadors.types import Ambassadorship

__all__ = ["AmbassadorQuery", "Ambassadorship", "ProgramMutation", "member_ambassadorship"]
