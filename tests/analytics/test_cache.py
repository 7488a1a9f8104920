"""Team views are cached (Redis when configured), never outlive their data, and survive a Redis outage."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from emberwatch.app import create_app
from emberwatch.users.models import Role
from tests.conftest import Account, Clock, account, make_settings, requires_redis

OVERVIEW = "/api/v1/analytics/dashboard/overview"


@pytest.fixture
async def redis_app(
    database_url: str, tmp_path: Path, clock: Clock, backend: str, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    url = request.param if hasattr(request, "param") else requires_redis()
    app = create_app(make_settings(database_url, data_dir=tmp_path / "data", redis_url=url))
    app.state.clock = clock
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        try:
            yield app, client
        finally:
            if backend == "postgresql":
                from tests.conftest import _truncate

                await _truncate(app)


async def _team_of_five(app: FastAPI, client: httpx.AsyncClient) -> tuple[Account, list[Account], str]:
    admin = await account(app, client, Role.admin)
    department = (await client.post("/api/v1/departments", headers=admin.headers, json={"name": "Cached"})).json()["id"]
    people = [await account(app, client, department_id=uuid.UUID(department)) for _ in range(6)]
    for who in people[:5]:
        await client.post(
            "/api/v1/assessments", headers=who.headers, json={"exhaustion": 2, "capability": 4, "meaningfulness": 4}
        )
    return admin, people, department


async def test_cached_in_redis_and_refreshed_when_data_changes(redis_app: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = redis_app
    admin, people, _ = await _team_of_five(app, client)
    first = (await client.get(OVERVIEW, headers=admin.headers)).json()
    again = (await client.get(OVERVIEW, headers=admin.headers)).json()
    assert again == first and app.state.cache.hits >= 1
    keys = await app.state.redis.keys("analytics:overview:*")
    assert keys, "the overview is stored in Redis"
    await client.post(
        "/api/v1/assessments", headers=people[5].headers, json={"exhaustion": 6, "capability": 0, "meaningfulness": 0}
    )
    fresh = (await client.get(OVERVIEW, headers=admin.headers)).json()
    assert fresh["departments"][0]["weeks"][-1]["checkins"]["participants"] == 6


@pytest.mark.parametrize("redis_app", ["redis://127.0.0.1:9/0"], indirect=True)
async def test_a_redis_outage_degrades_to_direct_reads(redis_app: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app, client = redis_app
    admin, _, _ = await _team_of_five(app, client)
    response = await client.get(OVERVIEW, headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["departments"][0]["weeks"][-1]["checkins"]["participants"] == 5
