"""/metrics: request and GraphQL operation latency, and every process's metrics, for Prometheus.

Latencies are prometheus_client histograms, labelled by route template and by GraphQL
operation (its type and root field, a field of the schema or "other"), so the number of
series stays bounded whatever clients send. The projections' positions, lag and parked
events are read from the database when scraped. With PROMETHEUS_MULTIPROC_DIR set (several
server workers, a separate projection worker, imports), every process writes its samples
there and a scrape of any worker adds them all up.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector
from starlette.types import ASGIApp, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from projections.positions import Lag

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUEST_SECONDS = Histogram(
    "crm_http_request_seconds",
    "Time from a request's arrival to its response's end, by route template and method.",
    ["route", "method", "status"],
    buckets=_LATENCY_BUCKETS,
)
GRAPHQL_OPERATION_SECONDS = Histogram(
    "crm_graphql_operation_seconds",
    "Time to execute a GraphQL operation, by type and root field (a schema field, or other).",
    ["type", "field"],
    buckets=_LATENCY_BUCKETS,
)


class RequestLatency:
    """ASGI middleware observing each HTTP request under its route's template, never its path
    (ids in paths would make a series per member); unmatched paths count as "unmatched"."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = _route(scope)
            HTTP_REQUEST_SECONDS.labels(route, scope["method"], f"{status[0] // 100}xx").observe(
                time.perf_counter() - started
            )


def _route(scope: Scope) -> str:
    """The template of the route that served the request. FastAPI's routes name theirs; a
    matched route that does not (the GraphQL router's, which has no parameters) is named by
    its path."""
    found = getattr(scope.get("route"), "path", None)
    if found:
        return str(found)
    return str(scope["path"]) if scope.get("endpoint") is not None else "unmatched"


class OperationLatency(SchemaExtension):
    """Strawberry extension observing each operation's execution by type and root field."""

    def on_execute(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        kind, field = "invalid", "other"
        operation = _operation(context.graphql_document, context.operation_name)
        if operation is not None:
            kind = operation.operation.value
            root = context.schema._schema.get_root_type(operation.operation)  # noqa: SLF001
            names = [s.name.value for s in operation.selection_set.selections if hasattr(s, "name")]
            known = [n for n in names if root is not None and n in root.fields]
            field = known[0] if len(known) == 1 and len(names) == 1 else "other"
        GRAPHQL_OPERATION_SECONDS.labels(kind, field).observe(time.perf_counter() - started)


def _operation(document: Any, name: str | None) -> OperationDefinitionNode | None:
    if document is None:
        return None
    found = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        found = [d for d in found if d.name is not None and d.name.value == name]
    return found[0] if len(found) == 1 else None


class ProjectionGauges(Collector):
    """The head of the log and each projection's position, lag and parked events, as read
    for this scrape."""

    def __init__(self, lags: list[Lag], parked: dict[str, int]) -> None:
        self.lags = lags
        self.parked = parked

    def collect(self) -> Iterable[Metric]:
        """The gauges, one sample per projection."""
        head = GaugeMetricFamily("crm_event_log_head", "Highest notification id in the log.")
        head.add_metric([], max((lag.head for lag in self.lags), default=0))
        position = GaugeMetricFamily(
            "crm_projection_position",
            "Last notification id applied by the projection.",
            labels=["projection"],
        )
        behind = GaugeMetricFamily(
            "crm_projection_lag_events",
            "Notifications recorded but not yet projected.",
            labels=["projection"],
        )
        for lag in self.lags:
            position.add_metric([lag.name], lag.position)
            behind.add_metric([lag.name], lag.behind)
        parked = GaugeMetricFamily(
            "crm_projection_parked_events",
            "Events the projection could not apply, parked.",
            labels=["projection"],
        )
        for name, count in self.parked.items():
            parked.add_metric([name], count)
        return [head, position, behind, parked]


def render_metrics(lags: list[Lag], parked: dict[str, int], multiprocess_dir: Path | None) -> bytes:
    """The exposition text: this process's metrics (or, given the multiprocess directory,
    every process's) and the projections' gauges."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ProjectionGauges(lags, parked))
    if multiprocess_dir is not None:
        MultiProcessCollector(registry, path=str(multiprocess_dir))  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY) + generate_latest(registry)
