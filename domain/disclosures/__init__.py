"""Disclosures: every export of members' personal data, who received it, and when."""
