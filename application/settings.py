"""The one reader of the environment: every setting is a CRM_ variable."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from application.lifecycle_settings import EngagementSettings, StageSettings
from application.rule_settings import AmbassadorSettings, HealthSettings, OutreachSettings
from application.webhooks.settings import WebhookSettings
from domain.feedback.workflow import Priority
from domain.moments import DEFAULT_EARLIEST, DEFAULT_MAX_FUTURE_SKEW, TimeBounds

MIN_SECRET_LENGTH = 32
MIB = 1024 * 1024

# What a rate limit applies to: GraphQL queries, GraphQL mutations, and REST ingest lines.
RateKind = Literal["read", "write", "ingest"]
# Hours to a first response per feedback priority; `default` for untriaged items.
DEFAULT_RESPONSE_TARGETS = {"urgent": 4, "high": 24, "normal": 72, "low": 168, "default": 72}
# The roles of api.auth.Role, and `default` for every role not named.
RateScope = Literal["default", "admin", "manager", "product", "marketing", "viewer"]


class RateLimit(BaseModel):
    """A token bucket: `burst` tokens at most, refilled at `per_second`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    burst: float = Field(ge=1, description="Requests (or ingest lines) allowed at once.")
    per_second: float = Field(gt=0, description="Sustained requests (or lines) per second.")


# Generous enough for a frontend (a page fires a handful of queries) and for bulk imports
# (10,000 lines/s is about what one server records at best, BENCHMARKS.md), yet no single
# key may send mutations at the rate the whole server sustains; each key has its own.
DEFAULT_RATE_LIMITS: dict[RateKind, RateLimit] = {
    "read": RateLimit(burst=200, per_second=20),
    "write": RateLimit(burst=60, per_second=5),
    "ingest": RateLimit(burst=100_000, per_second=10_000),
}


class Settings(
    BaseSettings,
    EngagementSettings,
    StageSettings,
    AmbassadorSettings,
    HealthSettings,
    OutreachSettings,
    WebhookSettings,
):
    """Configuration, validated at start-up; see README.md for each variable."""

    model_config = SettingsConfigDict(
        env_prefix="CRM_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    environment: Literal["local", "test", "production"] = "local"
    database_url: str | None = Field(
        default=None, description="PostgreSQL 14+ URL; unset starts an embedded server."
    )
    data_dir: Path = Field(default=Path(".crm-data"), description="Embedded server and secrets.")
    secret_key: SecretStr | None = Field(
        default=None, description="Wraps member keys and keys identity hashes."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    pool_size: int = Field(default=10, ge=2, le=200)
    event_store_pool_size: int = Field(default=5, ge=1, le=100)
    lock_timeout_seconds: int = Field(default=5, ge=1, le=120)
    # A write transaction of the log left idle this long (its process stopped or starved of
    # CPU while holding the table lock) is ended by the server. The library's default of
    # 5 s ended bulk imports on a loaded machine between two statements of one batch.
    idle_in_transaction_seconds: int = Field(default=60, ge=1, le=3600)
    projection_batch_size: int = Field(default=500, ge=1, le=20_000)
    # The catch-ups a command runs in its own process before or after bulk work (crm
    # evaluate, imports, reports): larger pages write each shared rollup row once for more
    # events (health after an evaluation: 3,500 -> 5,200 events/s at 0.1 scale).
    projection_catch_up_batch_size: int = Field(default=2_500, ge=1, le=20_000)
    projection_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    # Failures in a row of one page before its poison events are parked (projections/engine.py).
    projection_max_attempts: int = Field(default=3, ge=1, le=100)
    read_your_writes_timeout: float = Field(default=5.0, ge=0, le=60)
    # Group commit of mutations (application/group_commit.py): how long the writer waits
    # for more commands after the first of a batch, and how many one batch holds at most.
    group_commit_window_ms: float = Field(default=2.0, ge=0, le=100)
    group_commit_max_batch: int = Field(default=200, ge=1, le=5_000)
    max_page_size: int = Field(default=100, ge=1, le=500)
    graphiql: bool | None = Field(default=None, description="Defaults to on outside production.")
    log_level: str = "info"
    # prometheus_client's own variable: a directory every process writes its metrics to, so
    # that /metrics adds up several server workers, the projection worker and imports. It
    # must be empty when the first of them starts (a fresh tmpfs or volume).
    metrics_dir: Path | None = Field(default=None, validation_alias="PROMETHEUS_MULTIPROC_DIR")
    # When things may have happened: earlier or later moments are refused at every entry.
    earliest_valid_date: date = Field(
        default=DEFAULT_EARLIEST.date(), ge=date(1900, 1, 1), description="UTC midnight."
    )
    max_future_skew_seconds: int = Field(
        default=int(DEFAULT_MAX_FUTURE_SKEW.total_seconds()), ge=0, le=86_400
    )

    # Transport limits: no request can exhaust memory or the parser's recursion.
    max_body_bytes: int = Field(default=MIB, ge=1024, description="Largest /graphql body.")
    max_json_depth: int = Field(default=32, ge=4, le=512, description="Deepest JSON nesting.")
    # The longest valid record (a 2,000-character summary and URL, every character escaped
    # as \uXXXX) stays below 32 KiB: a longer line is refused, not buffered, so a small gzip
    # body that inflates to one endless line costs no memory.
    max_ingest_line_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Longest NDJSON line of /ingest."
    )
    # An upload to /imports is streamed to a temporary file, never held in memory.
    max_upload_bytes: int = Field(
        default=4 * 1024 * MIB, ge=1024, description="Largest export uploaded to /imports."
    )
    rate_limits_enabled: bool = True
    rate_limits: dict[RateScope, dict[RateKind, RateLimit]] = Field(
        default_factory=dict, description="Per-role overrides of DEFAULT_RATE_LIMITS."
    )

    evaluation_interval_seconds: float = Field(default=3600.0, ge=0, description="0: off.")
    # After erasures, the projection worker rewrites the tables that held the members' data
    # once the oldest pending erasure is this old (README, Personal data). At most 30 days.
    erasure_compaction_seconds: float = Field(default=3600.0, ge=0, le=30 * 24 * 3600)
    # How often the projection worker recomputes feedback's voice from engagement, in its own
    # thread (a minute's work at a million items). At least a minute, at most a week.
    feedback_voice_refresh_seconds: float = Field(default=3600.0, ge=60, le=7 * 24 * 3600)
    # Feedback response targets in hours, per priority and `default` (DEFAULT_RESPONSE_TARGETS).
    feedback_response_targets: dict[str, Annotated[float, Field(gt=0, le=24 * 366)]] = Field(
        default_factory=dict
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("CRM_DATABASE_URL must be a postgresql:// URL")
        return value

    @model_validator(mode="after")
    def _production_needs_a_real_secret(self) -> Settings:
        if self.environment == "production":
            secret = self.secret_key.get_secret_value() if self.secret_key else ""
            if len(secret) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"CRM_SECRET_KEY must be set to at least {MIN_SECRET_LENGTH} characters"
                    " in production"
                )
        return self

    @field_validator("earliest_valid_date")
    @classmethod
    def _earliest_is_past(cls, value: date) -> date:
        if value >= datetime.now(UTC).date():
            raise ValueError("CRM_EARLIEST_VALID_DATE must be in the past")
        return value

    @field_validator("feedback_response_targets")
    @classmethod
    def _targets_are_priorities(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(DEFAULT_RESPONSE_TARGETS))
        if unknown:
            raise ValueError(f"unknown priorities {unknown}: use {list(DEFAULT_RESPONSE_TARGETS)}")
        return value

    def response_targets(self) -> dict[str | None, timedelta]:
        """Time to first response aimed at per priority; the None entry is the default."""
        hours = {**DEFAULT_RESPONSE_TARGETS, **self.feedback_response_targets}
        targets: dict[str | None, timedelta] = {
            p.value: timedelta(hours=hours[p]) for p in Priority
        }
        targets[None] = timedelta(hours=hours["default"])
        return targets

    def time_bounds(self) -> TimeBounds:
        """The moments accepted for occurredAt, joinedAt and the like, and for asOf."""
        return TimeBounds(
            earliest=datetime.combine(self.earliest_valid_date, time(), tzinfo=UTC),
            max_future_skew=timedelta(seconds=self.max_future_skew_seconds),
        )

    def rate_limit(self, role: str, kind: RateKind) -> RateLimit:
        """The bucket of one kind for a role: its own, else `default`, else built in."""
        # Keyed by plain role names, since any role may be asked about (Role.value is a str).
        by_scope: dict[str, dict[RateKind, RateLimit]] = dict(self.rate_limits.items())
        for scope in (role, "default"):
            configured = by_scope.get(scope, {}).get(kind)
            if configured is not None:
                return configured
        return DEFAULT_RATE_LIMITS[kind]

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL and introspection are for development, not production."""
        return self.graphiql if self.graphiql is not None else self.environment != "production"

    def resolved_secret(self) -> bytes:
        """The secret key; locally, one is generated once and kept in the data folder."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir.resolve() / "secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()
