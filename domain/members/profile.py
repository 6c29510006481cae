"""A member's profile: which asked-for changes really change it, and how changes apply."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from eventsourcing.domain import Aggregate

from domain.values import merge_attributes

# The profile fields a change sets whole; attributes are merged key by key instead.
WHOLE_FIELDS = ("display_name", "email")


class Profile(Protocol):
    """What a profile change reads and writes on a member."""

    display_name: str | None
    email: str | None
    attributes: dict[str, Any]


def effective_changes(profile: Profile, changes: dict[str, Any]) -> dict[str, Any]:
    """Only what would change the profile, so that a no-op records nothing."""
    effective: dict[str, Any] = {}
    for field in WHOLE_FIELDS:
        if field in changes and changes[field] != getattr(profile, field):
            effective[field] = changes[field]
    patch = {
        key: value
        for key, value in (changes.get("attributes") or {}).items()
        if profile.attributes.get(key) != value
    }
    if patch:
        effective["attributes"] = patch
    return effective


def apply_changes(profile: Profile, changes: dict[str, Any]) -> None:
    """Set the given name and e-mail, and merge the attribute patch (a null removes a key)."""
    if "display_name" in changes:
        profile.display_name = changes["display_name"]
    if "email" in changes:
        profile.email = changes["email"]
    if "attributes" in changes:
        profile.attributes = merge_attributes(profile.attributes, changes["attributes"])


class ProfileUpdatedEvent(Aggregate.Event):
    """Fields of Member.ProfileUpdated: only the new values, all of them personal data."""

    PERSONAL_FIELDS: ClassVar[tuple[str, ...]] = ("changes",)
    changes: dict[str, Any]

    def apply(self, aggregate: Profile) -> None:
        apply_changes(aggregate, self.changes or {})
