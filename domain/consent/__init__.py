"""Consent: what members agreed to, with the wording they were shown, and whether it holds.

What other contexts may use of it is exported here.
"""

from domain.consent.purposes import (
    MAX_NOTE,
    MAX_TEXT,
    ConsentPurpose,
    ConsentSource,
    check_free_text,
    check_version,
)
from domain.consent.rules import (
    ConsentRecord,
    ConsentState,
    check_expiry,
    holds,
    latest,
    state_of,
)
from domain.consent.text import (
    ConsentText,
    ConsentTextAlreadyRegistered,
    UnknownConsentText,
    text_digest,
)

__all__ = [
    "MAX_NOTE",
    "MAX_TEXT",
    "ConsentPurpose",
    "ConsentRecord",
    "ConsentSource",
    "ConsentState",
    "ConsentText",
    "ConsentTextAlreadyRegistered",
    "UnknownConsentText",
    "check_expiry",
    "check_free_text",
    "check_version",
    "holds",
    "latest",
    "state_of",
    "text_digest",
]
