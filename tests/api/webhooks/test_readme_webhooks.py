"""The README's webhooks example, run as written against the app and a real receiver, and
docs/webhooks.md holding an example of every public event type."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx

from domain.webhooks import PUBLIC_EVENT_TYPES
from tests.api.conftest import Api, join
from tests.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parents[3]
README = ROOT / "README.md"
DOCS = ROOT / "docs" / "webhooks.md"


def readme_example() -> str:
    """The ```python block of the README's Webhooks section."""
    section = README.read_text().split("### Webhooks", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the Webhooks section has no python example"
    return match.group(1)


def test_the_readme_example_creates_a_subscription_and_verifies_a_delivery(
    hooks: Api, hooks_admin: str, receiver: Receiver
) -> None:
    code = readme_example()
    for placeholder in (
        "http://127.0.0.1:8000/graphql",
        '"crm_..."',
        "https://hooks.example.org/crm",
    ):
        assert placeholder in code, placeholder
    code = code.replace("http://127.0.0.1:8000/graphql", f"{hooks.url}/graphql")
    code = code.replace('"crm_..."', repr(hooks_admin))
    code = code.replace("https://hooks.example.org/crm", f"{receiver.url}/readme")
    namespace: dict[str, object] = {"httpx": httpx}
    exec(compile(code, str(README), "exec"), namespace)  # noqa: S102  (the README's own code)

    member = join(hooks, hooks_admin)
    deadline = time.monotonic() + 20
    while not (got := [r for r in receiver.at("/readme") if member["id"] in r.body.decode()]):
        assert time.monotonic() < deadline, "the README's subscription got nothing"
        time.sleep(0.02)
    verified = namespace["verified"]
    assert callable(verified)
    assert verified(got[0].headers, got[0].body) is True
    assert verified(got[0].headers, got[0].body + b" ") is False


def test_every_public_event_type_has_a_documented_example() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOCS.read_text(), re.S)
    documented = {}
    for block in blocks:
        example = json.loads(block)
        documented[example["type"]] = example
    assert set(PUBLIC_EVENT_TYPES) <= set(documented)
    for name, kind in PUBLIC_EVENT_TYPES.items():
        assert documented[name]["version"] == kind.version, name
