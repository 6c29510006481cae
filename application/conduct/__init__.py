"""The conduct context's use cases."""
