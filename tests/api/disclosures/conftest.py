"""The disclosures tests' fixtures: the shared server, and the other contexts' mutations
(program moves, consent) that put ambassadors and consents in place as a user would."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest

from api.auth import Role
from projections.positions import head_of_log
from tests.api.ambassadors.helpers import moved
from tests.api.conftest import Api, join
from tests.api.consent.helpers import give_consent, registered, withdraw_consent

CSV_URL = "/exports/ambassadors.csv"


@dataclass(frozen=True)
class Contexts:
    """The program's and consent's mutations, run by an admin: the staff member who makes
    the program's moves, and the MARKETING_EMAIL text version members consent to."""

    api: Api
    admin: str
    staff: str
    text_version: str

    def move(self, name: str, member_id: str, **fields: Any) -> dict[str, Any]:
        """One program mutation by the staff member, which must succeed: the ambassadorship."""
        by = {"memberId": member_id, "by": self.staff}
        return moved(self.api, name, by | fields, key=self.admin)

    def ambassador(self, member_id: str, *, tier: str) -> dict[str, Any]:
        """nominateAmbassador then approveAmbassador at `tier`: the ambassadorship."""
        self.move("nominateAmbassador", member_id)
        return self.move("approveAmbassador", member_id, tier=tier)

    def give_consent(self, member_id: str, **fields: Any) -> None:
        """giveConsent to MARKETING_EMAIL (`fields`: at, expiresAt, source, note...)."""
        give_consent(self.api, self.admin, member_id, self.text_version, **fields)

    def withdraw_consent(self, member_id: str) -> None:
        """withdrawConsent from MARKETING_EMAIL."""
        withdraw_consent(self.api, self.admin, member_id)


@pytest.fixture(scope="package")
def disclosures_api(api: Api) -> Api:
    """The shared server: every context is set up through its own mutations."""
    return api


@pytest.fixture(scope="package")
def keys(disclosures_api: Api) -> dict[Role, str]:
    """A key per role."""
    return {role: disclosures_api.key(role) for role in Role}


@pytest.fixture(scope="package")
def contexts(disclosures_api: Api, keys: dict[Role, str]) -> Contexts:
    """The other contexts' mutations, with a staff member and a consent text of their own."""
    admin = keys[Role.ADMIN]
    staff = join(disclosures_api, admin)["id"]
    version, _ = registered(disclosures_api, admin)
    return Contexts(disclosures_api, admin, staff, version)


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
