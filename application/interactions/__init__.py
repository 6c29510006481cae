"""Interactions' use cases: recording, bulk ingestion and file import.

What other contexts may use of it is exported here.
"""

from application.interactions.recording import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    IngestReport,
    record_interactions,
)

__all__ = ["ACCEPTED", "DUPLICATE", "REJECTED", "IngestReport", "record_interactions"]
