"""The ambassadors context's read models."""
