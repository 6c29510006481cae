"""The disclosures context's read models."""
