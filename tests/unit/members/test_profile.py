"""Profile changes: only real changes are recorded, and an attribute set to null goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.members.profile import apply_changes, effective_changes


@dataclass
class Person:
    """A profile as a member holds it."""

    display_name: str | None = "Ada"
    email: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


def test_only_what_differs_is_an_effective_change() -> None:
    person = Person(attributes={"city": "London", "lang": "en"})
    changes = {
        "display_name": "Ada",
        "email": "ada@example.org",
        "attributes": {"city": "London", "lang": "fr"},
    }
    assert effective_changes(person, changes) == {
        "email": "ada@example.org",
        "attributes": {"lang": "fr"},
    }
    assert effective_changes(person, {"display_name": "Ada"}) == {}


def test_applying_changes_merges_attributes_and_a_null_removes_one() -> None:
    person = Person(attributes={"city": "London", "lang": "en"})
    apply_changes(person, {"email": None, "attributes": {"city": None, "team": "core"}})
    assert person == Person(email=None, attributes={"lang": "en", "team": "core"})
