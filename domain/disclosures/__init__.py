"""Disclosures: every export of members' personal data, who received it, and when."""

from domain.disclosures.disclosure import DataDisclosed, Disclosure, DisclosureKind

__all__ = ["DataDisclosed", "Disclosure", "DisclosureKind"]
