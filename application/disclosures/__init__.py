"""The disclosures context's use cases."""

from application.disclosures.recording import (
    DisclosureLog,
    DisclosureNotFound,
    Recipient,
    Recorded,
)

__all__ = ["DisclosureLog", "DisclosureNotFound", "Recipient", "Recorded"]
