"""What createWebhookSubscription refuses before anything is resolved or recorded."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.webhooks import default_event_types
from domain.webhooks.commands import CreateWebhookSubscription


def _refused_field(**fields: object) -> str:
    with pytest.raises(ValidationError) as refused:
        CreateWebhookSubscription(**{"url": "https://hooks.example.org/in", **fields})
    return ".".join(str(part) for part in refused.value.errors()[0]["loc"])


@pytest.mark.parametrize(
    "url",
    [
        "ftp://x.org/",
        "hooks.example.org",
        "https://",
        "https://u:p@x.org/",
        "https://x.org:99999/",
        "https://x.org/#frag",
        "https://x .org/",
    ],
)
def test_bad_urls_are_refused_naming_the_url(url: str) -> None:
    assert _refused_field(url=url) == "url"


def test_unknown_event_types_and_short_secrets_are_refused_by_name() -> None:
    assert _refused_field(event_types=["member.joined", "member.teleported"]) == "event_types"
    assert _refused_field(secret="short") == "secret"
    assert _refused_field(role="owner") == "role"


def test_no_event_types_means_every_type_but_the_opt_in_ones() -> None:
    command = CreateWebhookSubscription(url="https://hooks.example.org/in")
    assert command.event_types == default_event_types()
    assert "interaction.recorded" not in command.event_types
