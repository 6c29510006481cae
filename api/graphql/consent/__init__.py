"""Consent over GraphQL: texts, recording consent given or withdrawn, and member.consents.

What other contexts may use of it is exported here.
"""

from api.graphql.consent.mutations import ConsentMutation
from api.graphql.consent.queries import ConsentQuery
from api.graphql.consent.types import MemberConsent, member_consents

__all__ = ["ConsentMutation", "ConsentQuery", "MemberConsent", "member_consents"]
