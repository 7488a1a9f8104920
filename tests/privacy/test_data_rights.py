"""Each person can take everything out, or erase it; erasure leaves team rollups as the remaining people give."""

from __future__ import annotations

import io
import uuid
import zipfile

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from emberwatch.analytics import service as analytics
from emberwatch.analytics.models import DepartmentWeek
from emberwatch.audit.models import AuditEvent
from emberwatch.checkins.models import CheckIn, Prediction
from emberwatch.core.db import session_scope
from emberwatch.surveys.models import SurveyResponse
from emberwatch.users.models import Role
from tests.conftest import PASSWORD, Account, Clock, account, relogin


async def _history(client: httpx.AsyncClient, who: Account, clock: Clock, days: int) -> None:
    for i in range(days):
        r = await client.post(
            "/api/v1/assessments",
            headers=who.headers,
            json={"exhaustion": i % 7, "capability": 3, "meaningfulness": 4},  # type: ignore[attr-defined]
        )
        assert r.status_code == 201
        clock.advance(days=1)
        await relogin(client, who)


async def test_export_contains_everything_submitted(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    member = await account(app, client)
    await _history(client, member, clock, 3)
    await client.post(
        "/api/v1/surveys/responses", headers=member.headers, json={"instrument": "pss10", "answers": [2] * 10}
    )
    data = (await client.get("/api/v1/me/export", headers=member.headers)).json()
    assert data["profile"][0]["email"] == member.email and "password_hash" not in data["profile"][0]
    assert len(data["checkins"]) == 3 and len(data["predictions"]) == 3 and len(data["surveys"]) == 1
    assert {c["id"] for c in data["checkins"]} == {p["checkin_id"] for p in data["predictions"]}
    assert data["surveys"][0]["score"] == 20.0
    assert any(e["action"] == "auth.login" for e in data["audit_log"])

    archive = await client.get("/api/v1/me/export", headers=member.headers, params={"format": "zip"})
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = set(z.namelist())
        assert {"checkins.csv", "predictions.csv", "surveys.csv", "profile.csv", "export.json"} <= names
        assert len(z.read("checkins.csv").decode().strip().splitlines()) == 4  # header + 3


async def test_erasure_removes_the_person_and_recomputes_rollups(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    admin = await account(app, client, Role.admin)
    department = (await client.post("/api/v1/departments", headers=admin.headers, json={"name": "Team"})).json()["id"]
    team = [await account(app, client, department_id=uuid.UUID(department)) for _ in range(6)]
    for i, who in enumerate(team):
        await client.post(
            "/api/v1/assessments", headers=who.headers, json={"exhaustion": i, "capability": 6 - i, "meaningfulness": 3}
        )
    leaving = team[0]
    await client.post(
        "/api/v1/surveys/responses", headers=leaving.headers, json={"instrument": "cbi_work", "answers": [75] * 7}
    )

    refused = await client.delete("/api/v1/me", headers=leaving.headers)
    assert refused.status_code == 400
    response = await client.delete("/api/v1/me", headers=leaving.headers, params={"confirm": "true"})
    assert response.status_code == 204

    login = await client.post("/api/v1/auth/login", json={"email": leaving.email, "password": PASSWORD})
    assert login.status_code == 401
    async with app.state.sessionmaker() as session:
        for model in (CheckIn, Prediction, SurveyResponse):
            assert await session.scalar(select(func.count()).select_from(model).where(model.user_id == leaving.id)) == 0
        incremental = [
            {k: v for k, v in vars(r).items() if not k.startswith("_") and k != "updated_at"}
            for r in await session.scalars(select(DepartmentWeek).order_by(DepartmentWeek.week_start))
        ]
        events = list(await session.scalars(select(AuditEvent).where(AuditEvent.action == "user.erased")))
    assert incremental and incremental[0]["participants"] == 5
    assert incremental[0]["cbi_respondents"] == 0
    async with session_scope(app.state.sessionmaker) as session:
        await analytics.rebuild(session)
    async with app.state.sessionmaker() as session:
        rebuilt = [
            {k: v for k, v in vars(r).items() if not k.startswith("_") and k != "updated_at"}
            for r in await session.scalars(select(DepartmentWeek).order_by(DepartmentWeek.week_start))
        ]
    assert rebuilt == incremental
    [event] = events
    assert event.target_id == str(leaving.id) and event.details == {}


async def test_the_last_admin_cannot_erase_themselves(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    response = await client.delete("/api/v1/me", headers=admin.headers, params={"confirm": "true"})
    assert response.status_code == 409 and response.json()["error"] == "last_admin"
