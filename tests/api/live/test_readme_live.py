"""The README's live updates example, run as written against a real server over WebSocket."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from tests.api.conftest import Api, join, succeed, unique
from tests.api.live.sockets import wait_for_subscriptions

README = Path(__file__).resolve().parents[3] / "README.md"
PLACEHOLDERS = (
    "ws://127.0.0.1:8000/graphql",
    '"crm_..."',
    '"0b6e0b9c-4c1e-4a8e-9b43-2d2f3c1b7a10"',
)


def readme_example() -> str:
    """The ```python block of the README's Live updates section."""
    section = README.read_text().split("### Live updates", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the Live updates section has no python example"
    return match.group(1)


def test_the_readme_example_gets_the_member_then_its_change(
    live: Api, manager_key: str, viewer_key: str
) -> None:
    member = join(live, manager_key)
    code = readme_example()
    for placeholder in PLACEHOLDERS:
        assert placeholder in code, placeholder
    code = code.replace(PLACEHOLDERS[0], live.url.replace("http://", "ws://") + "/graphql")
    code = code.replace(PLACEHOLDERS[1], repr(viewer_key))
    code = code.replace(PLACEHOLDERS[2], repr(member["id"]))
    code = code.replace("timeout=60", "timeout=10")
    namespace: dict[str, object] = {}
    failures: list[BaseException] = []

    def run() -> None:
        try:
            exec(compile(code, str(README), "exec"), namespace)  # noqa: S102  (the README's own)
        except BaseException as error:  # noqa: BLE001  (reported by the test below)
            failures.append(error)

    wait_for_subscriptions(live, 0)
    example = threading.Thread(target=run)
    example.start()
    wait_for_subscriptions(live, 1)
    tag = unique("readme-")
    succeed(live, "tagMember", {"memberId": member["id"], "tag": tag}, key=manager_key)
    example.join(15)
    assert not failures, failures
    # A viewer's key: the member comes without personal data.
    assert namespace["now"] == {"id": member["id"], "displayName": None, "tags": []}
    assert namespace["changed"] == {"id": member["id"], "displayName": None, "tags": [tag]}
