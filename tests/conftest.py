"""Test harness: every test that uses `client` runs on SQLite and, when EMBERWATCH_TEST_DATABASE_URL is set,
again on PostgreSQL. The schema is built by the real migrations, once per backend."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from emberwatch.app import create_app
from emberwatch.core import migrations
from emberwatch.core.config import AuthPolicy, JobSettings, MailSettings, PlatformSettings, Settings
from emberwatch.core.context import SYSTEM
from emberwatch.core.db import session_scope
from emberwatch.core.mail import MemoryMailer
from emberwatch.models import Base
from emberwatch.users import service as users
from emberwatch.users.models import Role
from emberwatch.users.schemas import UserCreate

PG_URL = os.environ.get("EMBERWATCH_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("EMBERWATCH_TEST_REDIS_URL")
PASSWORD = "a long enough passphrase"


def requires_redis() -> str:
    if not REDIS_URL:
        pytest.skip("EMBERWATCH_TEST_REDIS_URL is not set: Redis tests skipped")
    return REDIS_URL


def _reset_postgres(url: str) -> None:
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def drop_everything() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()

    asyncio.run(drop_everything())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "emberwatch.sqlite3"
    migrations.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    if not PG_URL:
        pytest.skip("EMBERWATCH_TEST_DATABASE_URL is not set: PostgreSQL run skipped")
    _reset_postgres(PG_URL)
    migrations.upgrade(PG_URL)
    return PG_URL


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    template: Path = request.getfixturevalue("sqlite_template")
    path = tmp_path / "emberwatch.sqlite3"
    shutil.copy(template, path)
    return f"sqlite+aiosqlite:///{path}"


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "database_url": database_url,
        "redis_url": None,
        "secret_key": "test-secret-key-that-is-long-enough-for-hs256",
        "log_level": "WARNING",
        "auth": AuthPolicy(argon2_memory_kib=64, argon2_time_cost=1, hashing_concurrency=4),
        "mail": MailSettings(backend="memory"),
        "cors_origins": ["https://app.example.org"],
        # Jobs run in the calling thread unless a test is about the queue; platforms point nowhere by default.
        "jobs": JobSettings(immediate=True),
        "platforms": PlatformSettings(
            rootly_base_url="http://127.0.0.1:9", pagerduty_base_url="http://127.0.0.1:9", max_attempts=1
        ),
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, data_dir=tmp_path / "data")


@dataclass
class Clock:
    """The app's notion of now, which tests move forward instead of sleeping."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def _truncate(app: FastAPI) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with app.state.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def app(settings: Settings, clock: Clock, backend: str) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    application.state.clock = clock
    async with application.router.lifespan_context(application):
        try:
            yield application
        finally:
            if backend == "postgresql":
                await _truncate(application)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def outbox(app: FastAPI) -> list[Any]:
    mailer = app.state.mailer
    assert isinstance(mailer, MemoryMailer)
    return mailer.outbox


@dataclass
class Account:
    id: uuid.UUID
    email: str
    password: str
    role: Role
    headers: dict[str, str]
    refresh_token: str


async def make_user(
    app: FastAPI,
    *,
    role: Role = Role.member,
    email: str | None = None,
    password: str = PASSWORD,
    department_id: uuid.UUID | None = None,
    timezone: str = "UTC",
) -> uuid.UUID:
    email = email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.org"
    data = UserCreate(
        email=email,
        password=password,
        full_name=f"Test {role.value}",
        role=role,
        department_id=department_id,
        timezone=timezone,
    )
    async with session_scope(app.state.sessionmaker) as session:
        user = await users.create(session, app.state.auth.hasher, data, SYSTEM, action="user.created")
    return user.id


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def relogin(client: httpx.AsyncClient, who: Account) -> None:
    """Fresh tokens after a test has moved the clock past the access token's 15 minutes."""
    tokens = await login(client, who.email, who.password)
    who.headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    who.refresh_token = tokens["refresh_token"]


async def account(app: FastAPI, client: httpx.AsyncClient, role: Role = Role.member, **kwargs: Any) -> Account:
    email = kwargs.pop("email", None) or f"{role.value}-{uuid.uuid4().hex[:8]}@example.org"
    user_id = await make_user(app, role=role, email=email, **kwargs)
    tokens = await login(client, email)
    return Account(
        id=user_id,
        email=email,
        password=PASSWORD,
        role=role,
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        refresh_token=tokens["refresh_token"],
    )


async def register_model(app: FastAPI, version: str = "test-rule-v1", threshold: float = 0.5) -> str:
    """Write a small artifact (the Kalimo rule, so no training is needed) and register it as a model version."""
    from emberwatch.ml import registry
    from emberwatch.ml.predictor import KalimoRuleScorer, RiskModel
    from emberwatch.risk import service as risk

    model = RiskModel(version, "kalimo_rule", KalimoRuleScorer(), None, threshold)
    stored = registry.save(app.state.settings.data_dir, model, {"created_at": datetime.now(UTC).isoformat()})
    async with session_scope(app.state.sessionmaker) as session:
        await risk.register(session, stored)
    return version


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Settings built by the code under test (the CLI) must not pick up a developer's .env or variables."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("EMBERWATCH_") and not name.startswith("EMBERWATCH_TEST_"):
            monkeypatch.delenv(name)
    yield
