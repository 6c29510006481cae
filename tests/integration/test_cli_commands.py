"""`crm evaluate --as-of` and `crm apikey list` as a user types and pipes them."""

from __future__ import annotations

import subprocess
from uuid import UUID, uuid4

import pytest
from rich.console import Console
from typer.testing import CliRunner

from api.auth import ApiKeys, Role
from api.cli.common import app
from api.cli.keys import key_table
from api.cli.server import issue_demo_key
from application.runtime import Runtime
from tests.integration.test_cli import crm_command, crm_env

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("given", "judged"),
    [
        ("2025-12-01T00:00:00+00:00", "2025-12-01 00:00 UTC"),
        ("2025-12-01T02:30:00+02:00", "2025-12-01 00:30 UTC"),
        ("2025-12-01T00:00:00Z", "2025-12-01 00:00 UTC"),
        ("2025-12-01T09:15:00", "2025-12-01 09:15 UTC"),
        ("2025-12-01", "2025-12-01 00:00 UTC"),
    ],
)
def test_evaluate_as_of_takes_what_the_graphql_api_takes(
    database: str, given: str, judged: str
) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--as-of", given], env=crm_env(database))
    assert result.exit_code == 0, result.output
    assert f"as of {judged}" in " ".join(result.output.split())


@pytest.mark.parametrize("given", ["yesterday", "2025-13-01", "0001-01-01T00:00:00+01:00"])
def test_evaluate_as_of_refuses_what_is_not_a_time_and_says_why(database: str, given: str) -> None:
    result = CliRunner().invoke(app, ["evaluate", "--as-of", given], env=crm_env(database))
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "--as-of" in said and "ISO 8601" in said


def test_apikey_list_shows_whole_ids_at_80_columns_and_piped(runtime: Runtime) -> None:
    keys = ApiKeys(runtime.pool)
    issued = [
        keys.create(name="grafana dashboards of the community team", role=Role.VIEWER),
        keys.create(name="ci", role=Role.ADMIN),
    ]
    keys.revoke(issued[1].key_id)
    env = crm_env(runtime.database_url, COLUMNS="80")
    listed = subprocess.run(
        [*crm_command(), "apikey", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert listed.returncode == 0, listed.stderr
    for key in issued:
        assert str(key.key_id) in listed.stdout, listed.stdout
    # Each row can be cut by a script: the id is its first field.
    rows = [line.split("\t") for line in listed.stdout.splitlines()[1:]]
    assert {UUID(row[0]) for row in rows} == {key.key_id for key in issued}
    assert all(len(line) <= 200 for line in listed.stdout.splitlines())


def test_apikey_table_in_a_terminal_keeps_ids_whole_at_80_columns() -> None:
    key_id = uuid4()
    rows = [(str(key_id), "a rather long name for a key", "marketing", "crm_abcd", *["-"] * 3)]
    terminal = Console(width=80, force_terminal=True, color_system=None, record=True)
    terminal.print(key_table(rows))
    shown = terminal.export_text()
    assert str(key_id) in shown
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_each_demo_start_revokes_the_previous_demo_key(runtime: Runtime) -> None:
    keys = ApiKeys(runtime.pool)
    own = keys.create(name="grafana", role=Role.VIEWER)
    first, revoked = issue_demo_key(keys)
    assert revoked == 0 and keys.verify(first.secret) is not None
    second, revoked = issue_demo_key(keys)
    assert revoked == 1
    assert keys.verify(first.secret) is None and keys.verify(second.secret) is not None
    assert keys.verify(own.secret) is not None
    active = [k.name for k in keys.list() if k.revoked_at is None]
    assert sorted(active) == ["demo-admin", "grafana"]
