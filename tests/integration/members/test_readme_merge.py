"""The README's "Merging two members" example, run as written with the `crm` command."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from application.runtime import Runtime
from domain.members import commands as cmd
from tests.integration.conftest import rows
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[3] / "README.md"


def example() -> list[list[str]]:
    """The `crm members` commands of the section, as argument lists."""
    section = README.read_text().split("### Merging two members", 1)[1].split("\n### ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None, "the section has no sh example"
    return [line.split("#")[0].split()[1:] for line in block.group(1).splitlines() if line]


def test_the_merge_example_merges_and_unmerges(runtime: Runtime) -> None:
    source, target = (
        runtime.community.join_member(cmd.JoinMember(display_name=n)).member.id
        for n in ("Ada", "Ada L.")
    )
    env = crm_env(runtime.database_url)
    merge, unmerge = example()
    values = {"SOURCE_ID": str(source), "TARGET_ID": str(target)}
    done = subprocess.run(
        [*crm_command(), *(values.get(a, a) for a in merge)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    merge_id = done.stdout.split("merge id")[1].strip()
    url = runtime.database_url
    assert rows(url, "SELECT merged_into FROM members WHERE member_id = %s", (source,)) == [
        (target,)
    ]
    subprocess.run(
        [*crm_command(), *(merge_id if a == "MERGE_ID" else a for a in unmerge)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert rows(url, "SELECT status, merged_into FROM members WHERE member_id = %s", (source,)) == [
        ("active", None)
    ]
    refused = subprocess.run(
        [*crm_command(), *(values.get(a, a) for a in merge[:-1]), str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "SAME_MEMBER" in refused.stdout
