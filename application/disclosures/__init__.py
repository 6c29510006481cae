"""The disclosures context's use cases."""
