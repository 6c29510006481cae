"""In production, no page is served without a key: no GraphiQL, OpenAPI or introspection."""

from __future__ import annotations

import httpx

from api.app import create_app
from api.auth import Role
from tests.api.conftest import Api, serving
from tests.conftest import TEST_SECRET, test_settings


def test_production_serves_nothing_without_a_key(api: Api) -> None:
    settings = test_settings(api.services.runtime.database_url, environment="production")
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == TEST_SECRET
    app = create_app(settings, services=api.services)
    with serving(app) as url:
        assert httpx.get(f"{url}/docs").status_code == 404
        assert httpx.get(f"{url}/openapi.json").status_code == 404
        page = httpx.get(f"{url}/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 401
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        key = api.key(Role.ADMIN)
        introspection = httpx.post(
            f"{url}/graphql",
            json={"query": "{ __schema { queryType { name } } }"},
            headers={"Authorization": f"Bearer {key}"},
        ).json()
        assert introspection.get("data") is None
        assert "introspection" in introspection["errors"][0]["message"].lower()
        members = httpx.post(
            f"{url}/graphql",
            json={"query": "{ members(first: 1) { totalCount } }"},
            headers={"Authorization": f"Bearer {key}"},
        ).json()
        assert members["data"]["members"]["totalCount"] >= 0


def test_development_serves_the_openapi_document(api: Api) -> None:
    document = api.client.get(f"{api.url}/openapi.json")
    assert document.status_code == 200
    assert {"/healthz", "/metrics"} <= set(document.json()["paths"])
