"""Importing a platform export: parsers stream records, the sink applies them idempotently."""
