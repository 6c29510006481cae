"""The ambassadors context over GraphQL: the program's mutations, the ambassador list,
member.ambassadorship, and the candidates with their why.

What other contexts may use of it is exported here.
"""

from api.graphql.ambassadors.candidates import CandidacyQuery
from api.graphql.ambassadors.mutations import ProgramMutation
from api.graphql.ambassadors.queries import AmbassadorQuery, member_ambassadorship
from api.graphql.ambassadors.types import Ambassadorship

__all__ = [
    "AmbassadorQuery",
    "Ambassadorship",
    "CandidacyQuery",
    "ProgramMutation",
    "member_ambassadorship",
]
