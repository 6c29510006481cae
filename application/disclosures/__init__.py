"""The disclosures context's use cases."""

from application.disclosures.recording import (
    DisclosureLog,
    DisclosureNotFound,
    Recipient,
    Recorded,
)
from application.disclosures.subject_access import SubjectAccess, SubjectRecords

__all__ = [
    "DisclosureLog",
    "DisclosureNotFound",
    "Recipient",
    "Recorded",
    "SubjectAccess",
    "SubjectRecords",
]
