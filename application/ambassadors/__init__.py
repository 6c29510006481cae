"""The ambassadors context's use cases."""
