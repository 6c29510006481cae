"""Interaction command validation: how a recorded interaction names its member and its time."""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import ValidationError

from domain.interactions.commands import RecordInteraction


def refused_fields(error: ValidationError) -> set[str]:
    """The top-level field names a validation error names."""
    return {str(item["loc"][0]) for item in error.errors()}


def interaction(**values: object) -> RecordInteraction:
    """A RecordInteraction with sensible defaults."""
    defaults: dict[str, object] = {
        "member_id": uuid4(),
        "channel": "discord",
        "kind": "message",
        "occurred_at": "2026-01-01T10:00:00+01:00",
        "external_id": "msg-1",
    }
    return RecordInteraction(**{**defaults, **values})  # type: ignore[arg-type]


def test_an_interaction_names_its_member_exactly_once() -> None:
    by_identity = interaction(member_id=None, identity={"channel": "github", "handle": "ada"})
    assert by_identity.identity is not None and by_identity.member_id is None
    for values in ({"member_id": None}, {"identity": {"channel": "github", "handle": "ada"}}):
        with pytest.raises(ValidationError) as refused:
            interaction(**values)
        assert refused_fields(refused.value) == {"identity"}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "hug"}, "kind"),
        ({"channel": "myspace"}, "channel"),
        ({"occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
        ({"external_id": ""}, "external_id"),
        ({"external_id": "x" * 201}, "external_id"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"summary": "x" * 2001}, "summary"),
        ({"summary": "nul\x00"}, "summary"),
    ],
)
def test_interactions_refuse_bad_fields(values: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        interaction(**values)
    assert field in refused_fields(refused.value)


@pytest.mark.parametrize("given", [1714557600, 1714557600.5, "1714557600", True])
def test_occurred_at_as_seconds_since_1970_is_refused(given: object) -> None:
    with pytest.raises(ValidationError, match="ISO 8601") as refused:
        RecordInteraction(
            member_id=uuid4(),
            channel="discord",
            kind="message",
            occurred_at=given,
            external_id="e1",
        )
    assert refused_fields(refused.value) == {"occurred_at"}
