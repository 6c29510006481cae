"""A server of the disclosures tests' own, and the contract rows they set up by SQL.

The ambassadors and consent contexts land with other branches: until then these tests put
ambassadors and consents in place by writing the contract's tables (migrations 0016 and
0018) directly. Each helper named `..._by_sql` stands for one mutation of those contexts
(nominate and approve; giveConsent; withdrawConsent) and can be switched to it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import httpx
import pytest

from api.auth import Role
from projections.positions import head_of_log
from tests.api.conftest import Api, served_api

CSV_URL = "/exports/ambassadors.csv"
MARKETING_EMAIL = "marketing_email"


@pytest.fixture(scope="package")
def disclosures_api(server_url: str, template_database: str) -> Iterator[Api]:
    """A server on a database of its own: these tests write contract tables directly."""
    with served_api(server_url, template_database) as served:
        yield served


@pytest.fixture(scope="package")
def keys(disclosures_api: Api) -> dict[Role, str]:
    """A key per role."""
    return {role: disclosures_api.key(role) for role in Role}


def make_ambassador_by_sql(
    api: Api, member_id: str, *, tier: str, status: str = "active", since: datetime | None = None
) -> None:
    """An ambassador row as the program's projection writes it (nominateAmbassador then
    approveAmbassador, once the PROGRAM context is merged)."""
    since = since or datetime(2026, 1, 5, tzinfo=UTC)
    with api.services.pool.connection() as conn:
        conn.execute(
            "INSERT INTO ambassadors (member_id, status, tier, nominated_at, since, term_ends,"
            " version, position, changed_at) VALUES (%s, %s, %s, %s, %s, %s, 2, 0, %s)"
            " ON CONFLICT (member_id) DO UPDATE SET status = EXCLUDED.status,"
            " tier = EXCLUDED.tier",
            (member_id, status, tier, since, since, since.replace(year=since.year + 1), since),
        )


def give_marketing_consent_by_sql(
    api: Api, member_id: str, *, expires_at: datetime | None = None
) -> None:
    """MARKETING_EMAIL consent as the consent projection writes it (giveConsent)."""
    _consent(api, member_id, given=True, expires_at=expires_at)


def withdraw_marketing_consent_by_sql(api: Api, member_id: str) -> None:
    """The consent withdrawn, as the consent projection writes it (withdrawConsent)."""
    _consent(api, member_id, given=False, expires_at=None)


def _consent(api: Api, member_id: str, *, given: bool, expires_at: datetime | None) -> None:
    with api.services.pool.connection() as conn:
        conn.execute(
            "INSERT INTO member_consents (member_id, purpose, given, text_version, source, at,"
            " expires_at, position) VALUES (%s, %s, %s, 'v1', 'form', now(), %s, 0)"
            " ON CONFLICT (member_id, purpose) DO UPDATE SET given = EXCLUDED.given,"
            " expires_at = EXCLUDED.expires_at, at = EXCLUDED.at",
            (member_id, MARKETING_EMAIL, given, expires_at),
        )


def get(api: Api, path: str, key: str | None, **params: Any) -> httpx.Response:
    """GET a REST route with a key."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return api.client.get(f"{api.url}{path}", params=params, headers=headers)


def export_rows(api: Api, key: str, **params: Any) -> list[dict[str, str]]:
    """The ambassador export as dicts by column, asserting a CSV answer."""
    response = get(api, CSV_URL, key, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(text, newline="")))


EXPORTS_QUERY = """
query Exports($first: Int!) {
  exports(first: $first) {
    edges { node { id kind requestedBy role keyId at filter ruleVersions rowCount
      members(first: 100) { edges { node { id erased displayName } } } } }
  }
}
"""


def recorded_exports(api: Api, key: str) -> list[dict[str, Any]]:
    """Every recorded export, newest first, once the projection has them all."""
    wait_for_disclosures(api)
    body = api.graphql(EXPORTS_QUERY, {"first": 100}, key=key)
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"]["exports"]["edges"]]


def wait_for_disclosures(api: Api) -> None:
    """Until the disclosures projection has applied the whole log."""
    assert api.services.wait_for("disclosures", head_of_log(api.services.pool))


def member_uuid(member: dict[str, Any]) -> UUID:
    """A member answer's id."""
    return UUID(member["id"])
