"""The conduct context's read models."""
