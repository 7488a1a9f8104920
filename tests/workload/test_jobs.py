"""Analyses on the real queue: a separate `emberwatch worker` process, huey on SQLite (and on Redis when
EMBERWATCH_TEST_REDIS_URL is set). A worker killed mid-job leaves the analysis to the reaper."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from emberwatch.app import create_app
from emberwatch.core.config import JobSettings, Settings, WorkloadPolicy
from emberwatch.users.models import Role
from emberwatch.workload import tasks
from tests.conftest import REDIS_URL, Clock, account, make_settings

ROWS = (
    "id,created_at,acknowledged_at,resolved_at,severity,responder_email,responder_name,responder_timezone,title\n"
    "INC-1,{t},,,high,sre@example.org,Sre,Europe/Berlin,Disk\n"
)


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def queue(request: pytest.FixtureRequest) -> str | None:
    if request.param == "redis-queue":
        if not REDIS_URL:
            pytest.skip("EMBERWATCH_TEST_REDIS_URL is not set: the Redis queue is not tested")
        return REDIS_URL
    return None


def _settings(database_url: str, data_dir: Path, redis_url: str | None, **workload: Any) -> Settings:
    return make_settings(
        database_url,
        data_dir=data_dir,
        redis_url=redis_url,
        jobs=JobSettings(immediate=False),
        workload=WorkloadPolicy(**workload),
    )


def _worker_env(settings: Settings, delay: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMBERWATCH_")}
    env.update(
        {
            "EMBERWATCH_ENV": "test",
            "EMBERWATCH_DATABASE_URL": settings.database_url,
            "EMBERWATCH_DATA_DIR": str(settings.data_dir),
            "EMBERWATCH_SECRET_KEY": settings.secret_key.get_secret_value(),
            "EMBERWATCH_AUTH__ARGON2_MEMORY_KIB": "64",
            "EMBERWATCH_AUTH__ARGON2_TIME_COST": "1",
            "EMBERWATCH_JOBS__TEST_DELAY_SECONDS": str(delay),
            "EMBERWATCH_LOG_LEVEL": "WARNING",
        }
    )
    if settings.redis_url:
        env["EMBERWATCH_REDIS_URL"] = settings.redis_url
    return env


class Worker:
    def __init__(self, settings: Settings, delay: float = 0.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "emberwatch", "worker", "--workers", "1"],
            env=_worker_env(settings, delay),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for w in started:
        w.stop()


async def _app(settings: Settings, clock: Clock) -> FastAPI:
    app = create_app(settings)
    app.state.clock = clock
    return app


@pytest.fixture
async def setup(
    database_url: str, tmp_path: Path, queue: str | None, clock: Clock, backend: str
) -> AsyncIterator[tuple[Settings, FastAPI, httpx.AsyncClient]]:
    if queue:
        import redis

        redis.Redis.from_url(queue).flushdb()
    settings = _settings(database_url, tmp_path / "data", queue, analysis_timeout_seconds=2, analysis_max_attempts=2)
    app = await _app(settings, clock)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        try:
            yield settings, app, client
        finally:
            if backend == "postgresql":
                from tests.conftest import _truncate

                await _truncate(app)


async def _start_analysis(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> tuple[dict[str, str], str]:
    manager = await account(app, client, Role.manager)
    integration = await client.post(
        "/api/v1/integrations", headers=manager.headers, json={"platform": "import", "name": "x"}
    )
    iid = integration.json()["id"]
    body = ROWS.format(t=(clock.now.replace(microsecond=0)).isoformat()).encode()
    await client.post(
        f"/api/v1/integrations/{iid}/incidents/import",
        headers=manager.headers,
        files={"file": ("i.csv", body, "text/csv")},
    )
    # The incident happened a second before the analysis window ends.
    clock.advance(seconds=1)
    run = await client.post("/api/v1/analyses/run", headers=manager.headers, json={"integration_id": iid})
    assert run.status_code == 202 and run.json()["status"] == "pending"
    return manager.headers, run.json()["id"]


async def _wait_for(client: httpx.AsyncClient, headers: dict[str, str], analysis_id: str, statuses: set[str]) -> dict:
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        body = (await client.get(f"/api/v1/analyses/{analysis_id}", headers=headers)).json()
        if not seen or seen[-1] != body["status"]:
            seen.append(body["status"])
        if body["status"] in statuses:
            body["seen"] = seen
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"analysis stayed in {seen}")


async def test_worker_runs_the_analysis(
    setup: tuple[Settings, FastAPI, httpx.AsyncClient], workers: list[Worker], clock: Clock
) -> None:
    settings, app, client = setup
    headers, analysis_id = await _start_analysis(client, app, clock)
    assert (await client.get(f"/api/v1/analyses/{analysis_id}", headers=headers)).json()["status"] == "pending"
    workers.append(Worker(settings, delay=0.5))
    running = await _wait_for(client, headers, analysis_id, {"running", "completed"})
    done = await _wait_for(client, headers, analysis_id, {"completed", "failed"})
    assert done["status"] == "completed", done
    assert "running" in running["seen"] + done["seen"]
    assert done["analysis_data"]["metadata"]["total_incidents"] == 1
    assert done["started_at"] is not None and done["completed_at"] is not None


async def test_killed_worker_is_resolved_by_the_reaper(
    setup: tuple[Settings, FastAPI, httpx.AsyncClient], workers: list[Worker], clock: Clock
) -> None:
    settings, app, client = setup
    headers, analysis_id = await _start_analysis(client, app, clock)
    doomed = Worker(settings, delay=30)
    workers.append(doomed)
    await _wait_for(client, headers, analysis_id, {"running"})
    doomed.kill()
    await asyncio.sleep(2.5)  # past the 2-second timeout

    requeued = await tasks.reap_stuck(settings, app.state.sessionmaker, app.state.jobs)
    assert [str(a) for a in requeued] == [analysis_id]
    assert (await client.get(f"/api/v1/analyses/{analysis_id}", headers=headers)).json()["status"] == "pending"
    workers.append(Worker(settings))
    done = await _wait_for(client, headers, analysis_id, {"completed", "failed"})
    assert done["status"] == "completed"


async def test_reaper_gives_up_after_the_last_attempt(
    setup: tuple[Settings, FastAPI, httpx.AsyncClient], workers: list[Worker], clock: Clock
) -> None:
    settings, app, client = setup
    once = settings.model_copy(update={"workload": WorkloadPolicy(analysis_timeout_seconds=2, analysis_max_attempts=1)})
    headers, analysis_id = await _start_analysis(client, app, clock)
    doomed = Worker(settings, delay=30)
    workers.append(doomed)
    await _wait_for(client, headers, analysis_id, {"running"})
    doomed.kill()
    await asyncio.sleep(2.5)
    assert await tasks.reap_stuck(once, app.state.sessionmaker, app.state.jobs) == []
    failed = (await client.get(f"/api/v1/analyses/{analysis_id}", headers=headers)).json()
    assert failed["status"] == "failed"
    assert "worker stopped" in failed["error_message"]
