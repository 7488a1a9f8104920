"""Integrations, imports and analyses through the API, with jobs run in place (the queue itself is tested in
test_jobs.py) and platforms served by the local fake."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from emberwatch.app import create_app
from emberwatch.core.config import PlatformSettings
from emberwatch.users.models import Role
from emberwatch.workload.models import Integration
from tests.conftest import Account, Clock, account, make_settings
from tests.workload.fake_platforms import TOKEN, FakePlatforms, rootly_incident, rootly_user, serving

HEADER = "id,created_at,acknowledged_at,resolved_at,severity,responder_email,responder_name,responder_timezone,title\n"


@pytest.fixture
def fake() -> Iterator[tuple[FakePlatforms, str]]:
    with serving() as running:
        yield running


@pytest.fixture
async def wired(
    database_url: str, tmp_path: Path, clock: Clock, fake: tuple[FakePlatforms, str], backend: str
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its platform clients pointed at the fake server."""
    from tests.conftest import _truncate

    platforms = PlatformSettings(
        rootly_base_url=fake[1], pagerduty_base_url=fake[1], max_attempts=2, backoff_base_seconds=0.01
    )
    app = create_app(make_settings(database_url, data_dir=tmp_path / "data", platforms=platforms))
    app.state.clock = clock
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        try:
            yield app, client
        finally:
            if backend == "postgresql":
                await _truncate(app)


def csv_of(rows: list[str]) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


async def _import_integration(client: httpx.AsyncClient, manager: Account) -> str:
    response = await client.post(
        "/api/v1/integrations", headers=manager.headers, json={"platform": "import", "name": "PagerDuty export"}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _upload(
    client: httpx.AsyncClient, manager: Account, integration_id: str, body: bytes, name: str = "i.csv"
) -> httpx.Response:
    return await client.post(
        f"/api/v1/integrations/{integration_id}/incidents/import",
        headers=manager.headers,
        files={"file": (name, body, "application/json" if name.endswith(".json") else "text/csv")},
    )


def _incidents(now: datetime, count: int, email: str, hour: int = 20) -> list[str]:
    rows = []
    for i in range(count):
        day = (now - timedelta(days=1 + i)).replace(hour=hour, minute=0, second=0, microsecond=0)
        ack = (day + timedelta(minutes=15)).isoformat()
        rows.append(f"INC-{email[:3]}-{i},{day.isoformat()},{ack},,critical,{email},Someone,Europe/Berlin,Outage")
    return rows


async def test_tokens_are_encrypted_and_never_returned(client: httpx.AsyncClient, app: FastAPI) -> None:
    manager = await account(app, client, Role.manager)
    secret = "rootly-secret-token-value"
    response = await client.post(
        "/api/v1/integrations",
        headers=manager.headers,
        json={"platform": "rootly", "name": "Rootly", "api_token": secret},
    )
    assert response.status_code == 201
    assert response.json()["has_token"] is True
    assert secret not in response.text
    listed = await client.get("/api/v1/integrations", headers=manager.headers)
    assert secret not in listed.text and listed.json()["total"] == 1
    async with app.state.sessionmaker() as session:
        stored = await session.scalar(select(Integration.token_encrypted))
    assert stored is not None and secret.encode() not in stored
    assert app.state.cipher.decrypt(stored) == secret


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"platform": "rootly", "name": "R"}, "api_token_required"),
        ({"platform": "import", "name": "I", "api_token": "should-not-be-here"}, "wrong_platform"),
    ],
)
async def test_token_rules(client: httpx.AsyncClient, app: FastAPI, body: dict, error: str) -> None:
    manager = await account(app, client, Role.manager)
    response = await client.post("/api/v1/integrations", headers=manager.headers, json=body)
    assert response.status_code == 400 and response.json()["error"] == error


async def test_import_then_analyse_and_see_it_on_your_dashboard(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    manager = await account(app, client, Role.manager)
    engineer = await account(app, client, email="Oncall.Engineer@example.org")
    integration_id = await _import_integration(client, manager)
    rows = _incidents(clock.now, 12, "oncall.engineer@example.org") + _incidents(
        clock.now, 2, "calm@example.org", hour=11
    )
    imported = await _upload(client, manager, integration_id, csv_of(rows))
    assert imported.status_code == 201, imported.text
    assert imported.json() == {"rows": 14, "incidents": 14, "people": 2}
    again = await _upload(client, manager, integration_id, csv_of(rows))  # idempotent upsert
    assert again.status_code == 201

    started = await client.post(
        "/api/v1/analyses/run", headers=manager.headers, json={"integration_id": integration_id, "time_range": 30}
    )
    assert started.status_code == 202
    assert started.json()["status"] == "pending" and started.json()["analysis_data"] is None
    result = (await client.get(f"/api/v1/analyses/{started.json()['id']}", headers=manager.headers)).json()
    assert result["status"] == "completed", result
    data = result["analysis_data"]
    assert data["metadata"]["total_incidents"] == 14 and data["metadata"]["days_analyzed"] == 30
    members = {m["user_email"]: m for m in data["team_analysis"]["members"]}
    engineer_result = members["oncall.engineer@example.org"]
    assert engineer_result["user_id"] == str(engineer.id)  # matched by email, case-insensitively
    assert members["calm@example.org"]["user_id"] is None
    assert engineer_result["metrics"]["after_hours_percentage"] > 0  # 20:00 UTC is 21:00 or 22:00 in Berlin
    assert engineer_result["metrics"]["avg_response_time_minutes"] == 15.0

    own = (await client.get("/api/v1/dashboard", headers=engineer.headers)).json()["workload"]
    assert own["analysis_id"] == result["id"]
    assert own["burnout_score"] == engineer_result["burnout_score"]
    assert own["incident_count"] == 12

    listed = await client.get("/api/v1/analyses", headers=manager.headers, params={"integration_id": integration_id})
    assert listed.json()["total"] == 1
    assert listed.json()["items"][0]["team_health"] == data["team_health"]


async def test_bad_rows_are_listed_and_nothing_is_imported(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    manager = await account(app, client, Role.manager)
    integration_id = await _import_integration(client, manager)
    good = _incidents(clock.now, 3, "a@example.org")
    bad = [
        "INC-x,yesterday,,,high,a@example.org,A,,t",
        "INC-y,2026-01-01T00:00:00Z,,,urgent,a@example.org,A,,t",
        "INC-z,2026-01-01T00:00:00Z,,,high,not-an-email,A,,t",
        "INC-w,2026-01-01T00:00:00Z,,,high,a@example.org,A,Mars/Olympus,t",
    ]
    response = await _upload(client, manager, integration_id, csv_of(good + bad))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_import"
    assert [r["line"] for r in body["rows"]] == [5, 6, 7, 8]
    assert "created_at" in body["rows"][0]["message"] and "severity" in body["rows"][1]["message"]
    run = await client.post("/api/v1/analyses/run", headers=manager.headers, json={"integration_id": integration_id})
    done = (await client.get(f"/api/v1/analyses/{run.json()['id']}", headers=manager.headers)).json()
    assert done["analysis_data"]["metadata"]["total_incidents"] == 0


async def test_json_import_and_missing_columns(client: httpx.AsyncClient, app: FastAPI) -> None:
    manager = await account(app, client, Role.manager)
    integration_id = await _import_integration(client, manager)
    items = [{"id": "J1", "created_at": "2026-01-05T10:00:00Z", "severity": "low", "responder_email": "j@example.org"}]
    ok = await _upload(client, manager, integration_id, json.dumps(items).encode(), "incidents.json")
    assert ok.status_code == 201 and ok.json()["rows"] == 1
    missing = await _upload(client, manager, integration_id, b"id,severity\nX,high\n")
    assert missing.status_code == 422 and "created_at" in missing.json()["rows"][0]["message"]


async def test_rootly_integration_syncs_and_analyses_through_the_platform(
    wired: tuple[FastAPI, httpx.AsyncClient], fake: tuple[FakePlatforms, str], clock: Clock
) -> None:
    app, client = wired
    platforms, _ = fake
    day = clock.now - timedelta(days=2)
    platforms.data.rootly_users = [rootly_user("u1", "sre@example.org", "Sre", "Asia/Tokyo")]
    platforms.data.rootly_incidents = [
        rootly_incident(f"R{i}", (day - timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"), user="u1") for i in range(5)
    ]
    manager = await account(app, client, Role.manager)
    created = await client.post(
        "/api/v1/integrations",
        headers=manager.headers,
        json={"platform": "rootly", "name": "Rootly", "api_token": TOKEN},
    )
    integration_id = created.json()["id"]
    check = await client.post(f"/api/v1/integrations/{integration_id}/test", headers=manager.headers)
    assert check.json() == {"ok": True, "detail": "rootly accepted the token."}
    sync = await client.post(f"/api/v1/integrations/{integration_id}/sync", headers=manager.headers, json={"days": 7})
    assert sync.status_code == 202 and sync.json()["status"] == "queued"
    listed = (await client.get("/api/v1/integrations", headers=manager.headers)).json()["items"][0]
    assert listed["last_sync_status"] == "completed" and listed["last_synced_at"] is not None

    run = await client.post("/api/v1/analyses/run", headers=manager.headers, json={"integration_id": integration_id})
    result = (await client.get(f"/api/v1/analyses/{run.json()['id']}", headers=manager.headers)).json()
    assert result["status"] == "completed"
    [member] = result["analysis_data"]["team_analysis"]["members"]
    assert member["user_email"] == "sre@example.org" and member["incident_count"] == 5
    assert member["timezone"] == "Asia/Tokyo"


async def test_platform_refusing_the_token_fails_the_analysis_with_a_message(
    wired: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = wired
    manager = await account(app, client, Role.manager)
    created = await client.post(
        "/api/v1/integrations",
        headers=manager.headers,
        json={"platform": "pagerduty", "name": "PD", "api_token": "revoked-token-0000"},
    )
    check = await client.post(f"/api/v1/integrations/{created.json()['id']}/test", headers=manager.headers)
    assert check.json()["ok"] is False and "refused the API token" in check.json()["detail"]
    run = await client.post(
        "/api/v1/analyses/run", headers=manager.headers, json={"integration_id": created.json()["id"]}
    )
    result = (await client.get(f"/api/v1/analyses/{run.json()['id']}", headers=manager.headers)).json()
    assert result["status"] == "failed"
    assert "refused the API token" in result["error_message"]
    assert "revoked-token-0000" not in json.dumps(result)


async def test_analyses_are_rate_limited_per_user(client: httpx.AsyncClient, app: FastAPI) -> None:
    manager = await account(app, client, Role.manager)
    integration_id = await _import_integration(client, manager)
    codes = []
    for _ in range(11):
        response = await client.post(
            "/api/v1/analyses/run", headers=manager.headers, json={"integration_id": integration_id}
        )
        codes.append(response.status_code)
    assert codes == [202] * 10 + [429]
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["error"] == "rate_limited"
    other = await account(app, client, Role.manager)
    other_integration = await _import_integration(client, other)
    fresh = await client.post("/api/v1/analyses/run", headers=other.headers, json={"integration_id": other_integration})
    assert fresh.status_code == 202


async def test_nobody_sees_anyone_elses_integrations_or_analyses(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await account(app, client, Role.manager)
    integration_id = await _import_integration(client, owner)
    run = await client.post("/api/v1/analyses/run", headers=owner.headers, json={"integration_id": integration_id})
    analysis_id = run.json()["id"]
    for intruder in (await account(app, client, Role.manager), await account(app, client, Role.admin)):
        assert (await client.get("/api/v1/integrations", headers=intruder.headers)).json()["total"] == 0
        assert (await client.get("/api/v1/analyses", headers=intruder.headers)).json()["total"] == 0
        assert (await client.get(f"/api/v1/analyses/{analysis_id}", headers=intruder.headers)).status_code == 404
        steal = await client.post(
            "/api/v1/analyses/run", headers=intruder.headers, json={"integration_id": integration_id}
        )
        assert steal.status_code == 404
    assert (await client.delete(f"/api/v1/analyses/{analysis_id}", headers=owner.headers)).status_code == 204
    assert (await client.get(f"/api/v1/analyses/{analysis_id}", headers=owner.headers)).status_code == 404
    assert (await client.delete(f"/api/v1/integrations/{integration_id}", headers=owner.headers)).status_code == 204
    assert (await client.get("/api/v1/integrations", headers=owner.headers)).json()["total"] == 0


def test_the_api_process_loads_no_dataframe_or_training_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from emberwatch.app import create_app; create_app();"
        "print(sorted(m for m in ('polars', 'sklearn', 'xgboost', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
