"""The FastAPI application: GraphQL, health, metrics, and bearer-key authentication."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.requests import HTTPConnection
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.dashboard import mount_dashboard
from api.deps import PrincipalDep, ServicesDep, authenticate
from api.disclosure_routes import router as disclosures_router
from api.export_slots import ExportSlots
from api.exports import router as exports_router
from api.graphql.context import Context
from api.graphql.router import CrmGraphQLRouter
from api.graphql.schema import MEMBER_FIELDS, build_schema
from api.import_routes import IMPORTS_PATH
from api.import_routes import router as imports_router
from api.limits import MAX_SUBSCRIPTIONS_PER_SOCKET, SOCKET_INIT_SECONDS, BodySizeLimit
from api.live import LiveUpdates
from api.metrics import CONTENT_TYPE, RequestLatency, render_metrics
from api.ratelimit import RateLimiter
from api.report.route import router as report_router
from api.rest import INGEST_PATH
from api.rest import router as ingestion_router
from api.services import Services, in_thread
from api.static.pages import VENDOR_DIR, VENDOR_URL, swagger_ui_page
from application.runtime import Runtime
from application.settings import Settings
from projections.parking import parked_counts
from projections.positions import lags
from projections.registry import projection_names

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    run_projections: bool = True,
    services: Services | None = None,
) -> FastAPI:
    """Build the app; it starts its runtime in the lifespan unless services are given."""
    settings = settings or (services.settings if services else Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or Services.build(
            await in_thread(Runtime.start, settings), run_projections=run_projections
        )
        # One listener per server process for every subscription it serves (api/live.py).
        served: Services = app.state.services
        app.state.live = LiveUpdates(served.runtime.database_url, served.pool, served.api_keys)
        await app.state.live.start()
        try:
            yield
        finally:
            await app.state.live.stop()
            if owned:
                await in_thread(app.state.services.close)

    # Like GraphiQL, the OpenAPI pages and their scripts hold no data and are served
    # without a key: they exist outside production only.
    docs = settings.graphiql_enabled
    app = FastAPI(
        title="community-crm",
        description="Event-sourced CRM for online communities. GraphQL at /graphql.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    if docs:
        app.mount(VENDOR_URL, StaticFiles(directory=VENDOR_DIR), name="vendor")

        @app.get("/docs", include_in_schema=False)
        async def swagger_ui() -> HTMLResponse:
            return swagger_ui_page("/openapi.json", f"{app.title} - Swagger UI")

    async def graphql_context(connection: HTTPConnection, services: ServicesDep) -> Context:
        if connection.scope["type"] == "websocket":
            # A socket signs in with its connection_init (CrmGraphQLRouter.on_ws_connect).
            return Context(services, None, MEMBER_FIELDS, connection.app.state.live)
        # The IDE page is static and holds no data; every operation needs a key.
        if _is_ide_page(connection) and settings.graphiql_enabled:
            return Context(services, None, MEMBER_FIELDS)
        return Context(services, await authenticate(connection, services), MEMBER_FIELDS)

    schema = build_schema(introspection=settings.graphiql_enabled)
    router = CrmGraphQLRouter(
        schema,
        context_getter=graphql_context,
        graphql_ide="graphiql" if settings.graphiql_enabled else None,
        multipart_uploads_enabled=False,
        max_json_depth=settings.max_json_depth,
        # Subscriptions: the current protocol only (its connection_init carries the key).
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        connection_init_wait_timeout=timedelta(seconds=SOCKET_INIT_SECONDS),
        max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_SOCKET,
    )
    app.include_router(router, prefix="/graphql")
    app.include_router(ingestion_router)
    app.include_router(imports_router)
    app.include_router(exports_router)
    app.include_router(disclosures_router)
    # The monthly report as a file, for the dashboard's sessions (api/report); before the
    # dashboard, whose /dashboard/{section} would otherwise take /dashboard/report.
    app.include_router(report_router)
    # The dashboard's pages sign in with a key and keep a session cookie (api/dashboard).
    mount_dashboard(app)
    # Each process keeps its own buckets; ingestion streams any size and bounds each line.
    app.state.rate_limiter = RateLimiter(settings)
    # Each streaming CSV export holds a pooled connection: half the pool at most.
    app.state.export_slots = ExportSlots(max(1, settings.pool_size // 2))
    app.add_middleware(
        BodySizeLimit, max_bytes=settings.max_body_bytes, streamed=(INGEST_PATH, IMPORTS_PATH)
    )
    # Outermost: a request refused for its size is timed too.
    app.add_middleware(RequestLatency)

    @app.get("/healthz", summary="Liveness, database and projections check (no key needed).")
    async def healthz(services: ServicesDep) -> JSONResponse:
        try:
            counts = await in_thread(parked_counts, services.pool, projection_names())
        except Exception:
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        # Degraded still serves (200, so load balancers keep it): some events wait, parked,
        # for an operator (`crm status`, `crm project --retry-parked`).
        parked = {name: count for name, count in counts.items() if count}
        if parked:
            return JSONResponse({"status": "degraded", "parked_events": parked})
        return JSONResponse({"status": "ok"})

    @app.get(
        "/metrics",
        summary="Prometheus metrics: request, operation and projection latency, projection"
        " positions, lag and parked events, records ingested, group-commit batch sizes.",
    )
    async def metrics(services: ServicesDep, _: PrincipalDep) -> Response:
        found = await in_thread(lags, services.pool, projection_names())
        parked = await in_thread(parked_counts, services.pool, projection_names())
        body = render_metrics(found, parked, settings.metrics_dir)
        return Response(body, media_type=CONTENT_TYPE)

    return app


def production_app() -> FastAPI:
    """The app of one of several server processes (`crm serve --workers N`, uvicorn's
    factory): settings from the environment, its own runtime, no projections."""
    return create_app(Settings(), run_projections=False)


def _is_ide_page(connection: HTTPConnection) -> bool:
    # A GET with a `query` runs an operation even when it accepts HTML: it needs a key.
    # So does any WebSocket: only a plain HTTP GET of the page itself is exempt.
    return (
        connection.scope["type"] == "http"
        and connection.scope["method"] == "GET"
        and "query" not in connection.query_params
        and "text/html" in connection.headers.get("accept", "")
    )
