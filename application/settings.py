"""The one reader of the environment: every setting is a CRM_ variable."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
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
    projection_batch_size: int = Field(default=500, ge=1, le=20_000)
    projection_poll_seconds: float = Field(default=1.0, gt=0, le=60)
    read_your_writes_timeout: float = Field(default=5.0, ge=0, le=60)
    max_page_size: int = Field(default=100, ge=1, le=500)
    graphiql: bool | None = Field(default=None, description="Defaults to on outside production.")
    log_level: str = "info"

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
