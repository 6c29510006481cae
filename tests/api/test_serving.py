"""Production serving as the README lays it out: `crm serve --workers 2 --no-projections`
beside `crm worker --only engagement` and `crm worker --skip engagement`, over real HTTP, with
/metrics adding up every process's samples (PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.auth import ApiKeys, Role
from application.runtime import Runtime
from tests.api.conftest import _free_port as free_port
from tests.conftest import create_database, drop_database, test_settings
from tests.integration.test_cli import crm_command, crm_env

DEADLINE_SECONDS = 60.0
JOIN = """
mutation Join($name: String!) {
  joinMember(input: {displayName: $name, sourceChannel: DISCORD}) {
    __typename ... on MemberJoined { member { id } }
  }
}
"""
SEARCH = "query Find($s: String) { members(filter: {search: $s}) { totalCount nodes { id } } }"


@dataclass
class Deployment:
    """The served processes, their base URL and an admin's key."""

    url: str
    key: str
    server: subprocess.Popen[bytes]
    client: httpx.Client

    def graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """POST a document; the decoded body, asserting 200 and no errors."""
        response = self.client.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {self.key}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]

    def metrics(self) -> dict[tuple[str, str], float]:
        """The scraped samples, parsed by prometheus_client: (name, labels as JSON) -> value."""
        response = self.client.get(
            f"{self.url}/metrics", headers={"Authorization": f"Bearer {self.key}"}
        )
        assert response.status_code == 200, response.text
        return {
            (s.name, json.dumps(s.labels, sort_keys=True)): s.value
            for family in text_string_to_metric_families(response.text)
            for s in family.samples
        }


@pytest.fixture(scope="module")
def deployment(
    server_url: str, template_database: str, tmp_path_factory: Any
) -> Iterator[Deployment]:
    """Two server processes and two projection workers on a database of this module."""
    name = f"crm_serving_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name, template=template_database)
    folder = tmp_path_factory.mktemp("serving")
    metrics = folder / "metrics"
    metrics.mkdir()
    runtime = Runtime.start(test_settings(url))
    key = ApiKeys(runtime.pool).create(name="serving-admin", role=Role.ADMIN).secret
    runtime.close()
    port = free_port()
    env = crm_env(url, PROMETHEUS_MULTIPROC_DIR=str(metrics), CRM_PROJECTION_POLL_SECONDS="0.2")
    processes = []
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [*crm_command(), "serve", "--workers", "2", "--no-projections", "--no-webhooks"]
            + ["--port", str(port)],
            env=env,
            cwd=folder,
            stdout=log,
            stderr=log,
        )
        processes.append(server)
    for option in ("--only", "--skip"):
        with (folder / f"worker{option}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [*crm_command(), "worker", option, "engagement"],
                    env=env,
                    cwd=folder,
                    stdout=log,
                    stderr=log,
                )
            )
    client = httpx.Client(timeout=30)
    try:
        served = Deployment(f"http://127.0.0.1:{port}", key, server, client)
        _wait(lambda: _healthy(served), folder)
        yield served
    finally:
        client.close()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        drop_database(server_url, name)


def _healthy(served: Deployment) -> bool:
    try:
        return served.client.get(f"{served.url}/healthz").status_code == 200
    except httpx.TransportError:
        return False


def _wait(condition: Any, folder: Path | None = None) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            logs = "".join(p.read_text() for p in folder.glob("*.log")) if folder else ""
            raise AssertionError(f"timed out\n{logs[-3000:]}")
        time.sleep(0.05)


def test_two_server_processes_serve_what_the_separate_worker_projects(
    deployment: Deployment,
) -> None:
    children = psutil.Process(deployment.server.pid).children()
    assert len([c for c in children if "python" in c.name() or "crm" in c.name()]) >= 2
    mark = uuid.uuid4().hex[:10]
    joined = deployment.graphql(JOIN, {"name": f"Served {mark}"})["joinMember"]
    assert joined["__typename"] == "MemberJoined", joined
    member_id = joined["member"]["id"]
    # Search reads only the members projection, which only the worker writes.
    for _ in range(4):  # answered by either server process
        found = deployment.graphql(SEARCH, {"s": f"served {mark}"})["members"]
        assert found == {"totalCount": 1, "nodes": [{"id": member_id}]}


def test_metrics_add_up_every_process_and_keep_their_access_rule(
    deployment: Deployment,
) -> None:
    assert deployment.client.get(f"{deployment.url}/metrics").status_code == 401
    mark = uuid.uuid4().hex[:10]
    deployment.graphql(JOIN, {"name": f"Metered {mark}"})
    record = {
        "identity_channel": "discord",
        "identity_handle": f"metered{mark}",
        "channel": "discord",
        "kind": "message",
        "occurred_at": datetime.now(UTC).isoformat(),
        "external_id": f"metered-{mark}",
    }
    response = deployment.client.post(
        f"{deployment.url}/ingest/interactions?create_unknown_members=true",
        content=json.dumps(record).encode() + b"\n",
        headers={
            "Authorization": f"Bearer {deployment.key}",
            "Content-Type": "application/x-ndjson",
        },
    )
    assert response.status_code == 200, response.text

    def observed() -> bool:
        pages = [
            json.loads(label)
            for n, label in deployment.metrics()
            if n == "crm_projection_page_seconds_count"
        ]
        return {"projection": "members"} in pages and {"projection": "engagement"} in pages

    _wait(observed)
    samples = deployment.metrics()
    names = {name for name, _ in samples}
    labels = {name: [json.loads(label) for n, label in samples if n == name] for name in names}
    # Requests by route template, operations by root field, from the server processes.
    assert {"route": "/graphql", "method": "POST", "status": "2xx"} in [
        {k: v for k, v in ls.items() if k != "le"}
        for ls in labels["crm_http_request_seconds_count"]
    ]
    assert {"type": "mutation", "field": "joinMember"} in labels[
        "crm_graphql_operation_seconds_count"
    ]
    # Pages applied, from each projection worker's own process.
    assert {"projection": "members"} in labels["crm_projection_page_seconds_count"]
    assert {"projection": "engagement"} in labels["crm_projection_page_seconds_count"]
    assert samples["crm_ingested_records_total", json.dumps({"outcome": "accepted"})] >= 1
    # Observed by group commit: the joinMember above was written in a batch of its own or more.
    assert samples["crm_group_commit_batch_size_count", json.dumps({})] >= 1
    assert samples["crm_projection_lag_events", json.dumps({"projection": "members"})] >= 0
