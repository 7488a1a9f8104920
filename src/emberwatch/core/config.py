"""Every setting of the service, read once from `EMBERWATCH_*` environment variables and `.env`.

Nothing else in the code base reads `os.environ`: infrastructure settings are flat (`EMBERWATCH_DATABASE_URL`),
domain policy lives in nested groups (`EMBERWATCH_AUTH__LOCKOUT_THRESHOLD`).
"""

from __future__ import annotations

import json
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Used only when nothing else is configured; production refuses to start with it.
DEVELOPMENT_SECRET = "emberwatch-development-secret-do-not-use-in-production"  # noqa: S105

# OWASP Password Storage Cheat Sheet, Argon2id: m=19 MiB, t=2, p=1.
OWASP_ARGON2_MEMORY_KIB = 19 * 1024
OWASP_ARGON2_TIME_COST = 2


class AuthPolicy(BaseModel):
    """Token lifetimes, password hashing cost and lockout policy (SPEC §2.1)."""

    access_token_minutes: int = Field(15, ge=1, le=60)
    refresh_token_days: int = Field(30, ge=1, le=90)
    jwt_issuer: str = "emberwatch"
    jwt_audience: str = "emberwatch-api"
    argon2_memory_kib: int = Field(OWASP_ARGON2_MEMORY_KIB, ge=8)
    argon2_time_cost: int = Field(OWASP_ARGON2_TIME_COST, ge=1)
    argon2_parallelism: int = Field(1, ge=1)
    # Hashes at once per process: each costs ~19 MiB and one core for tens of milliseconds.
    hashing_concurrency: int = Field(2, ge=1, le=64)
    lockout_threshold: int = Field(5, ge=1)
    lockout_window_minutes: int = Field(15, ge=1)
    lockout_base_minutes: int = Field(15, ge=1)
    lockout_max_minutes: int = Field(24 * 60, ge=1)
    password_reset_minutes: int = Field(30, ge=5, le=24 * 60)


class WorkloadPolicy(BaseModel):
    """Every constant of the workload analysis (SPEC §2.5) in one place. Times are in each member's own zone."""

    business_start: time = time(9, 0)
    business_end: time = time(18, 0)
    business_days: list[int] = Field(default=[1, 2, 3, 4, 5], description="ISO weekdays, Monday = 1.")
    night_start: time = time(22, 0)
    night_end: time = time(6, 0)
    severity_weights: dict[str, float] = {"critical": 4.0, "high": 3.0, "medium": 2.0, "low": 1.0, "unknown": 1.5}
    # Factor saturation points: each factor reaches 10 at these values.
    full_incidents_per_week: float = Field(8.0, gt=0)
    full_after_hours_share: float = Field(0.5, gt=0, le=1)
    full_weekend_share: float = Field(0.4, gt=0, le=1)
    full_severity_weighted_per_week: float = Field(20.0, gt=0)
    full_response_minutes: float = Field(60.0, gt=0)
    # Shares of people with very few incidents are damped: v = min(1, incidents_per_week / this).
    damping_incidents_per_week: float = Field(2.0, gt=0)
    factor_weights: dict[str, float] = {
        "workload": 0.25,
        "after_hours": 0.25,
        "weekend_work": 0.15,
        "incident_load": 0.25,
        "response_time": 0.10,
    }
    risk_medium_from: float = 3.0
    risk_high_from: float = 5.5
    risk_critical_from: float = 7.5
    health_excellent_from: float = 8.0
    health_good_from: float = 6.0
    health_fair_from: float = 4.0
    # An analysis still `running` this long after it started had its worker die: the reaper retries or fails it.
    analysis_timeout_seconds: int = Field(900, ge=1)
    analysis_max_attempts: int = Field(2, ge=1, le=10)

    @field_validator("business_days")
    @classmethod
    def _iso_weekdays(cls, value: list[int]) -> list[int]:
        if not value or any(d < 1 or d > 7 for d in value):
            raise ValueError("business days are ISO weekdays 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))

    @model_validator(mode="after")
    def _ordered(self) -> WorkloadPolicy:
        if self.business_start >= self.business_end:
            raise ValueError("business_start must be before business_end")
        if abs(sum(self.factor_weights.values()) - 1.0) > 1e-6:
            raise ValueError("factor weights must add up to 1")
        if not self.risk_medium_from < self.risk_high_from < self.risk_critical_from:
            raise ValueError("risk thresholds must increase")
        return self


class PlatformSettings(BaseModel):
    """How Emberwatch talks to incident platforms: where, how long to wait, how often to retry."""

    rootly_base_url: str = "https://api.rootly.com"
    pagerduty_base_url: str = "https://api.pagerduty.com"
    timeout_seconds: float = Field(15.0, gt=0, le=300)
    max_attempts: int = Field(5, ge=1, le=20)
    backoff_base_seconds: float = Field(0.5, ge=0, le=60)
    max_retry_after_seconds: float = Field(60.0, ge=0, le=3600)
    page_size: int = Field(100, ge=1, le=100)


class JobSettings(BaseModel):
    """The background job queue: huey on SQLite by default, on Redis when `EMBERWATCH_REDIS_URL` is set."""

    workers: int = Field(2, ge=1, le=64)
    # Run tasks in the calling thread instead of a worker process: for unit tests that are not about the queue.
    immediate: bool = False
    reaper_interval_minutes: int = Field(1, ge=1, le=60)
    # Tests only (ignored unless EMBERWATCH_ENV=test): keep each analysis running this long.
    test_delay_seconds: float = Field(0.0, ge=0, le=600)


class MailSettings(BaseModel):
    """Where password-reset mail goes: the log in development, SMTP in production, memory in tests."""

    backend: Literal["console", "smtp", "memory"] = "console"
    sender: str = "Emberwatch <no-reply@emberwatch.local>"
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_seconds: float = 10.0


def _normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (`postgres://`, `sqlite:///`) and pick the async driver for them."""
    for plain, async_prefix in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_prefix + url[len(plain) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EMBERWATCH_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
    )

    env: Literal["development", "production", "test"] = "development"
    database_url: str = Field(
        "sqlite+aiosqlite:///./var/emberwatch.sqlite3",
        validation_alias=AliasChoices("EMBERWATCH_DATABASE_URL", "DATABASE_URL"),
    )
    database_pool_size: int = Field(10, ge=1)
    database_max_overflow: int = Field(20, ge=0)
    database_echo: bool = False
    redis_url: str | None = None
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    # Fernet key(s) for data encrypted at rest, newest first; unset: derived from the secret key.
    encryption_key: SecretStr | None = None
    data_dir: Path = Path("./var")
    privacy_min_group_size: int = Field(5, ge=3)
    # How often each API process checks which risk model is active (a swap reaches every process within this).
    model_refresh_seconds: float = Field(5.0, ge=0.0, le=3600.0)
    cors_origins: Annotated[list[str], NoDecode] = ["http://localhost:3000", "http://localhost:8081"]
    open_registration: bool | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    auth: AuthPolicy = AuthPolicy()
    mail: MailSettings = MailSettings()
    workload: WorkloadPolicy = WorkloadPolicy()
    platforms: PlatformSettings = PlatformSettings()
    jobs: JobSettings = JobSettings()
    # Uploads may be larger than ordinary request bodies.
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024)

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return _normalise_database_url(value)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _cheap_hashing_only_in_tests(self) -> Settings:
        if self.env != "test" and (
            self.auth.argon2_memory_kib < OWASP_ARGON2_MEMORY_KIB or self.auth.argon2_time_cost < OWASP_ARGON2_TIME_COST
        ):
            raise ValueError("Argon2 parameters below the OWASP minimum are allowed only with EMBERWATCH_ENV=test")
        return self

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.env != "production":
            return self
        problems = []
        secret = self.secret_key.get_secret_value()
        if secret == DEVELOPMENT_SECRET or len(secret) < 32:
            problems.append("EMBERWATCH_SECRET_KEY must be set to a random value of at least 32 characters")
        if "*" in self.cors_origins:
            problems.append("EMBERWATCH_CORS_ORIGINS must list origins, not '*'")
        if problems:
            raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    @property
    def registration_open(self) -> bool:
        if self.open_registration is not None:
            return self.open_registration
        return self.env != "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
