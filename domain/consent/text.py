"""The ConsentText aggregate: the exact wording a member was shown, stored once per version.

Its id derives from (purpose, version), so registering a version twice collides in the
event store instead of keeping two wordings under one name; a version is never changed:
new wording is a new version. Consent events name the version (and its digest), so the
text itself is stored once however many members agreed to it (GDPR Art. 7(1): the
controller can show what each member agreed to).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain.consent.purposes import MAX_TEXT, ConsentPurpose, check_free_text, check_version
from domain.errors import ConflictError, InvalidField

_NAMESPACE = uuid5(NAMESPACE_URL, "community-crm:consent-text")


class ConsentTextAlreadyRegistered(ConflictError):
    """A version of a purpose's text is registered once; new wording needs a new version."""

    code = "CONSENT_TEXT_ALREADY_REGISTERED"

    def __init__(self, purpose: ConsentPurpose, version: str) -> None:
        super().__init__(
            f"version {version} of the {purpose.value} consent text is already registered:"
            " a text version never changes, register new wording as a new version"
        )
        self.purpose = purpose
        self.version = version


class UnknownConsentText(InvalidField):
    """Consent is given to a registered wording only: the version must name one."""

    field_code = "unknown_consent_text"

    def __init__(self, purpose: ConsentPurpose, version: str) -> None:
        super().__init__(
            "text_version",
            f"no {purpose.value} consent text has version {version}: register it first",
        )
        self.purpose = purpose
        self.version = version


def text_digest(text: str) -> str:
    """The SHA-256 of the text's UTF-8 bytes, in hex: what proves the wording unchanged."""
    return hashlib.sha256(text.encode()).hexdigest()


class ConsentText(Aggregate):
    """One version of the wording shown to members when asking consent to one purpose."""

    TOPIC = "crm.consent.ConsentText"

    class Created(Aggregate.Created):
        """The library's default creation event, pinned so that its topic never moves."""

        TOPIC = "crm.consent.Created"

    class TextRegistered(Aggregate.Created):
        """A version of a purpose's consent text was registered, with its exact wording."""

        TOPIC = "crm.consent.TextRegistered"
        purpose: str
        version: str
        text: str
        sha256: str
        registered_by: UUID | None  # the staff member who registered it, if named

    @staticmethod
    def id_for(purpose: ConsentPurpose, version: str) -> UUID:
        """The record of this version of this purpose's text."""
        return uuid5(_NAMESPACE, f"{purpose.value}:{version}")

    @classmethod
    def create_id(cls, purpose: str, version: str, **_: Any) -> UUID:
        """Ids derive from (purpose, version): see id_for."""
        return cls.id_for(ConsentPurpose(purpose), version)

    @classmethod
    def register(
        cls,
        *,
        purpose: ConsentPurpose,
        version: str,
        text: str,
        registered_by: UUID | None = None,
    ) -> ConsentText:
        """A new text version; the text is kept exactly as given, with its digest."""
        _checked("version", lambda: check_version(version))
        _checked("text", lambda: check_free_text(text, "text", MAX_TEXT))
        return cls._create(
            cls.TextRegistered,
            purpose=purpose.value,
            version=version,
            text=text,
            sha256=text_digest(text),
            registered_by=registered_by,
        )

    def __init__(
        self, *, purpose: str, version: str, text: str, sha256: str, registered_by: UUID | None
    ) -> None:
        self.purpose = ConsentPurpose(purpose)
        self.text_version = version  # `version` is the aggregate's own count of events
        self.text = text
        self.sha256 = sha256
        self.registered_by = registered_by

    @property
    def registered_at(self) -> datetime:
        """When the version was registered."""
        return self.created_on


def _checked(field: str, check: Callable[[], object]) -> None:
    """Run a value check, refusing with InvalidField naming the field."""
    try:
        check()
    except ValueError as error:
        raise InvalidField(field, str(error)) from None
