"""Schemathesis over the REST endpoints of the app's own OpenAPI, with a valid admin key.

Positive and negative examples for /ingest/interactions (its NDJSON body as described in
the OpenAPI), /healthz, /metrics, the feedback and ambassador exports and a member's data
export: never a 5xx, always the documented kind of answer.
Deterministic, so CI runs the same examples each time.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, event, settings
from schemathesis import GenerationMode

from api.app import create_app
from api.auth import Role
from tests.api.conftest import Api, join
from tests.api.fuzzing import Pools
from tests.conftest import test_settings

REST_EXAMPLES = 150


@schemathesis.serializer("application/x-ndjson")
def _ndjson(context: Any, value: Any) -> bytes:
    """Each item of a generated array is one line; anything else is one line as it is."""
    items = value if isinstance(value, list) else [value]
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def _rest_schema() -> Any:
    """The app's OpenAPI, limited to the REST endpoints (GraphQL is fuzzed on its own).

    Read from the app object, not the running server: schemathesis's lazy fixture loader
    does not work with pytest 9, and the document is the same.
    """
    app = create_app(test_settings("postgresql://localhost/openapi-only"))
    loaded = schemathesis.openapi.from_dict(app.openapi()).include(
        path_regex="^/(ingest/|imports/|healthz|metrics|exports/|members/)"
    )
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True
    )
    loaded.hook(map_body)
    return loaded


def map_body(context: Any, body: Any) -> Any:
    """Point some records at real members and keep times in range, so that lines land too."""
    if not isinstance(body, list):
        return body
    mapped = []
    for number, record in enumerate(body):
        if isinstance(record, dict):
            record = {**record}
            if "member_id" in record and number % 2 == 0:
                record["member_id"] = Pools.member_ids[number % len(Pools.member_ids)]
                record.pop("identity_channel", None)
                record.pop("identity_handle", None)
        mapped.append(record)
    return mapped


@pytest.fixture(scope="module")
def rest_key(api: Api) -> str:
    """An admin key (the fuzz reaches past authentication), and members to record for."""
    key = api.key(Role.ADMIN)
    Pools.member_ids = [join(api, key)["id"] for _ in range(3)]
    return key


schema = _rest_schema()


@schema.parametrize()
@settings(
    max_examples=REST_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_rest_fuzz(case: Any, api: Api, rest_key: str) -> None:
    """No server error; JSON counts from ingest, a JSON status from healthz, text metrics."""
    response = case.call(base_url=api.url, headers={"Authorization": f"Bearer {rest_key}"})
    sent = (case.path, case.query, case.body)
    assert response.status_code < 500, (sent, response.text[:2000])
    content_type = (response.headers.get("content-type") or [""])[0]
    if response.status_code != 200:
        assert content_type.startswith("application/json"), (sent, content_type, response.text)
        assert response.json()["detail"], response.text
    elif case.path == "/metrics":
        assert content_type.startswith("text/plain"), content_type
        assert "crm_event_log_head" in response.text
    elif case.path == "/healthz":
        assert response.json() == {"status": "ok"}, response.text
    elif case.path == "/exports/feedback.ndjson":
        last = response.text.splitlines()[-1]
        assert [json.loads(last)["endCursor"]] == response.headers["x-next-cursor"], last
    elif case.path == "/exports/feedback.csv":
        assert content_type.startswith("text/csv"), content_type
        assert response.text.startswith("item id,submitted at,"), response.text[:200]
    elif case.path == "/exports/ambassadors.csv":
        assert content_type.startswith("text/csv"), content_type
        assert response.text.startswith("member id,display name,"), response.text[:200]
    elif case.path.endswith("/data-export"):
        assert response.json()["memberId"], response.text
    elif case.path.startswith("/imports/"):
        body = response.json()
        assert {"read", "imported", "failed", "failures"} <= body.keys(), body
        assert all(failure["file"] and failure["reason"] for failure in body["failures"]), body
    else:
        body = response.json()
        assert {"accepted", "duplicates", "rejected", "rejections"} <= body.keys(), body
        for rejection in body["rejections"]:
            assert rejection.keys() == {"line", "field", "reason", "code"}, rejection
            assert rejection["reason"], rejection
        event("some lines accepted" if body["accepted"] else "no line accepted")
    event(f"{case.method} {case.path} {response.status_code}")
