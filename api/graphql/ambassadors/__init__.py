"""The ambassadors context over GraphQL; what other contexts may use of it is exported here."""

from api.graphql.ambassadors.candidates import CandidacyQuery

__all__ = ["CandidacyQuery"]
