"""The audit log records who did what from where, can be filtered by admins, and cannot be rewritten."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from emberwatch.users.models import Role
from tests.conftest import account

LOG = "/api/v1/admin/audit-log"


async def test_login_events_carry_ip_and_request_id(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    await client.post(
        "/api/v1/auth/login",
        json={"email": admin.email, "password": "wrong wrong wrong"},
        headers={"X-Request-ID": "r-1"},
    )
    response = await client.get(LOG, headers=admin.headers, params={"action": "auth.login_failed"})
    [event] = response.json()["items"]
    assert event["request_id"] == "r-1"
    assert event["ip"] == "203.0.113.7"
    assert event["target_id"] == str(admin.id)
    assert "password" not in str(event)


async def test_filters_and_newest_first(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    await client.post("/api/v1/departments", headers=admin.headers, json={"name": "One"})
    await client.post("/api/v1/departments", headers=admin.headers, json={"name": "Two"})
    response = await client.get(LOG, headers=admin.headers, params={"action": "department.created"})
    names = [e["details"]["name"] for e in response.json()["items"]]
    assert names == ["Two", "One"]
    by_actor = await client.get(LOG, headers=admin.headers, params={"actor_id": str(admin.id), "limit": 1})
    # auth.login and two department.created; the account itself was created by the system (no actor).
    assert by_actor.json()["total"] == 3 and len(by_actor.json()["items"]) == 1
    future = await client.get(LOG, headers=admin.headers, params={"since": "2999-01-01T00:00:00"})
    assert future.json() == {"items": [], "total": 0}
    past = await client.get(LOG, headers=admin.headers, params={"since": "2000-01-01T00:00:00Z", "limit": 100})
    assert past.json()["total"] == 4


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"])
async def test_audit_rows_cannot_be_changed(client: httpx.AsyncClient, app: FastAPI, statement: str) -> None:
    await account(app, client, Role.admin)
    with pytest.raises(DBAPIError, match="append-only"):
        async with app.state.engine.begin() as conn:
            await conn.execute(text(statement))
