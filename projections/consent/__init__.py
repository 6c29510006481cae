"""The consent context's read models."""
