"""The consent context's use cases."""
