"""The disclosures context over GraphQL; what other contexts may use of it is exported here."""

from api.graphql.disclosures.queries import DisclosureQuery, member_disclosures
from api.graphql.disclosures.types import Disclosure, DisclosureConnection

__all__ = ["Disclosure", "DisclosureConnection", "DisclosureQuery", "member_disclosures"]
