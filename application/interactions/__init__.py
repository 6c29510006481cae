"""Interactions' use cases: recording, bulk ingestion and file import."""
