"""GET /exports/ambassadors.csv and `crm export ambassadors` over real HTTP: consent at the
moment of export, erasure, spreadsheet safety, roles, and every export recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.auth import Role
from api.cli.common import app
from projections.disclosures.ambassadors_export import COLUMNS
from tests.api.conftest import Api, join, succeed, unique
from tests.api.disclosures.conftest import CSV_URL, Contexts, export_rows, get, recorded_exports
from tests.integration.test_cli import crm_env


def consenting_ambassador(contexts: Contexts, tier: str, **fields: object) -> str:
    """A member who is an active ambassador of `tier` with MARKETING_EMAIL consent."""
    email = f"{unique('amb')}@example.org"
    member = str(join(contexts.api, contexts.admin, email=email, **fields)["id"])
    contexts.ambassador(member, tier=tier)
    contexts.give_consent(member)
    return member


def test_a_consent_withdrawn_between_two_exports_leaves_the_second(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, tier = disclosures_api, unique("tier-")
    stays = consenting_ambassador(contexts, tier, displayName="Stays")
    email = f"{unique('leaves')}@example.org"
    leaves = str(join(api, keys[Role.ADMIN], displayName="Leaves", email=email)["id"])
    since = datetime.fromisoformat(contexts.ambassador(leaves, tier=tier)["since"])
    contexts.give_consent(leaves)
    first = export_rows(api, keys[Role.MARKETING], tier=tier)
    assert list(first[0]) == list(COLUMNS)
    assert {r["member id"] for r in first} == {stays, leaves}
    row = next(r for r in first if r["member id"] == leaves)
    assert row["display name"] == "Leaves" and row["email"].endswith("@example.org")
    assert row["tier"] == tier
    assert datetime.fromisoformat(row["since"]) == since.replace(microsecond=0)
    assert float(row["engagement score"]) == 0.0  # no interactions yet

    contexts.withdraw_consent(leaves)
    second = export_rows(api, keys[Role.MARKETING], tier=tier)
    assert [r["member id"] for r in second] == [stays]

    mine = [
        e for e in recorded_exports(api, keys[Role.MARKETING]) if e["filter"].get("tier") == tier
    ]
    assert [e["rowCount"] for e in mine] == [1, 2]  # newest first
    assert [{m["node"]["id"] for m in e["members"]["edges"]} for e in mine] == [
        {stays},
        {stays, leaves},
    ]
    assert all(e["kind"] == "MARKETING_AMBASSADORS" and e["role"] == "marketing" for e in mine)
    assert mine[0]["filter"] == {"status": "active", "tier": tier}
    assert "engagement" in mine[0]["ruleVersions"]
    # Marketing reads the records, never the names in them.
    assert all(m["node"]["displayName"] is None for e in mine for m in e["members"]["edges"])


def test_an_expired_consent_or_another_status_is_not_exported(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, tier = disclosures_api, unique("tier-")
    kept = consenting_ambassador(contexts, tier)
    expired = join(api, keys[Role.ADMIN])["id"]
    contexts.ambassador(expired, tier=tier)
    # Given two days ago for one day: it held, and ended yesterday.
    given_at = datetime.now(UTC) - timedelta(days=2)
    ended = {"at": given_at.isoformat(), "expiresAt": (given_at + timedelta(days=1)).isoformat()}
    contexts.give_consent(expired, **ended)
    paused = consenting_ambassador(contexts, tier)
    contexts.move("pauseAmbassador", paused, reason="on leave")
    unconsenting = join(api, keys[Role.ADMIN])["id"]
    contexts.ambassador(unconsenting, tier=tier)  # no consent record: no consent
    assert [r["member id"] for r in export_rows(api, keys[Role.MANAGER], tier=tier)] == [kept]
    paused_rows = export_rows(api, keys[Role.MANAGER], tier=tier, status="PAUSED")
    assert [r["member id"] for r in paused_rows] == [paused]


def test_the_channel_filter_keeps_members_on_that_channel(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, tier = disclosures_api, unique("tier-")
    on_discord = consenting_ambassador(contexts, tier, sourceChannel="DISCORD")
    consenting_ambassador(contexts, tier, sourceChannel="GITHUB")
    rows = export_rows(api, keys[Role.ADMIN], tier=tier, channel="discord")
    assert [(r["member id"], r["channels"]) for r in rows] == [(on_discord, "discord")]


def test_an_erased_ambassador_leaves_the_export_and_shows_erased_in_its_records(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, tier = disclosures_api, unique("tier-")
    erased = consenting_ambassador(contexts, tier, displayName="Gone Soon")
    kept = consenting_ambassador(contexts, tier, displayName="Still Here")
    assert {r["member id"] for r in export_rows(api, keys[Role.MARKETING], tier=tier)} == {
        erased,
        kept,
    }
    succeed(api, "eraseMember", {"memberId": erased}, key=keys[Role.ADMIN])
    after = export_rows(api, keys[Role.MARKETING], tier=tier)
    assert [r["member id"] for r in after] == [kept]

    earlier = [
        e for e in recorded_exports(api, keys[Role.ADMIN]) if e["filter"].get("tier") == tier
    ]
    members = {m["node"]["id"]: m["node"] for m in earlier[-1]["members"]["edges"]}
    assert members[erased] == {"id": erased, "erased": True, "displayName": None}
    assert members[kept] == {"id": kept, "erased": False, "displayName": "Still Here"}


def test_a_formula_in_a_name_is_neutralised(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts
) -> None:
    api, tier = disclosures_api, unique("tier-")
    formula = '=HYPERLINK("http://evil.example","click")'
    consenting_ambassador(contexts, tier, displayName=formula)
    response = get(api, CSV_URL, keys[Role.MARKETING], tier=tier)
    assert response.status_code == 200
    # Quoted (it holds a comma and quotes), with its double quotes doubled, and inert.
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in response.text
    (row,) = export_rows(api, keys[Role.MARKETING], tier=tier)
    assert row["display name"] == "'" + formula


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PRODUCT])
def test_roles_without_the_export_are_refused(
    disclosures_api: Api, keys: dict[Role, str], role: Role
) -> None:
    response = get(disclosures_api, CSV_URL, keys[role])
    assert response.status_code == 403
    assert "marketing" in response.json()["detail"]
    body = disclosures_api.graphql("{ exports(first: 1) { edges { cursor } } }", key=keys[role])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_bad_filters_name_the_parameter(disclosures_api: Api, keys: dict[Role, str]) -> None:
    for params, name in (
        ({"status": "dancing"}, "status"),
        ({"channel": "fax"}, "channel"),
        ({"tier": "x" * 51}, "tier"),
        ({"tier": "a\x07b"}, "tier"),
    ):
        response = get(disclosures_api, CSV_URL, keys[Role.MARKETING], **params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"] == ["query", name]
    assert get(disclosures_api, CSV_URL, None).status_code == 401


def test_the_cli_writes_the_same_file_and_records_it(
    disclosures_api: Api, keys: dict[Role, str], contexts: Contexts, tmp_path: Path
) -> None:
    api, tier = disclosures_api, unique("tier-")
    member = consenting_ambassador(contexts, tier)
    out = tmp_path / "ambassadors.csv"
    url = api.services.runtime.database_url
    result = CliRunner().invoke(
        app,
        ["export", "ambassadors", "--out", str(out), "--tier", tier, "--operator", "lea"],
        env=crm_env(url),
    )
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().decode().split("\r\n")
    assert lines[0] == ",".join(COLUMNS) and lines[1].startswith(member)
    (record,) = [
        e for e in recorded_exports(api, keys[Role.ADMIN]) if e["filter"].get("tier") == tier
    ]
    assert (record["requestedBy"], record["role"], record["keyId"]) == ("cli:lea", "cli", None)
    bad = CliRunner().invoke(
        app, ["export", "ambassadors", "--out", str(out), "--channel", "fax"], env=crm_env(url)
    )
    assert bad.exit_code != 0 and "--channel" in bad.output
