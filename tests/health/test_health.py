"""Health checks report each dependency with its latency, and 503 when one is down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from emberwatch.app import create_app
from emberwatch.core.config import Settings
from tests.conftest import make_settings, requires_redis


async def test_health_with_embedded_defaults(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["database"]["latency_ms"] >= 0
    assert body["checks"]["redis"]["status"] == "not_configured"
    database = await client.get("/health/database")
    assert database.json()["status"] == "ok"


async def _client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


@pytest.fixture
async def dead_redis_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    # Port 1 on loopback: nothing listens there, so the connection is refused at once.
    async for client in _client_for(make_settings(database_url, redis_url="redis://127.0.0.1:1/0")):
        yield client


async def test_redis_down_gives_503_and_names_it(dead_redis_client: httpx.AsyncClient) -> None:
    response = await dead_redis_client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert (await dead_redis_client.get("/health/redis")).status_code == 503
    assert (await dead_redis_client.get("/health/database")).status_code == 200


async def test_database_down_gives_503(tmp_path: object) -> None:
    settings = make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    async for client in _client_for(settings):
        response = await client.get("/health/database")
        assert response.status_code == 503
        assert response.json()["status"] == "down"
        assert (await client.get("/health")).json()["checks"]["database"]["status"] == "down"


async def test_real_redis_is_reported_with_latency(database_url: str) -> None:
    url = requires_redis()
    async for client in _client_for(make_settings(database_url, redis_url=url)):
        response = await client.get("/health/redis")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert response.json()["latency_ms"] >= 0
