"""Admin management of accounts: list with filters and pages, create, change role, department and active flag."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from emberwatch.audit.models import AuditEvent
from emberwatch.users.models import Role
from tests.conftest import PASSWORD, account, login, make_user

USERS = "/api/v1/users"


async def test_list_filters_and_pages(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    dept = (await client.post("/api/v1/departments", headers=admin.headers, json={"name": "Ops"})).json()
    for i in range(5):
        await make_user(app, email=f"ops{i}@example.org", department_id=dept["id"])
    await make_user(app, role=Role.manager, email="boss@example.org", department_id=dept["id"])
    await make_user(app, email="elsewhere@example.org")

    in_ops = await client.get(USERS, headers=admin.headers, params={"department_id": dept["id"], "limit": 4})
    assert in_ops.json()["total"] == 6
    assert len(in_ops.json()["items"]) == 4
    rest = await client.get(USERS, headers=admin.headers, params={"department_id": dept["id"], "offset": 4})
    assert {u["email"] for u in in_ops.json()["items"] + rest.json()["items"]} == {
        *(f"ops{i}@example.org" for i in range(5)),
        "boss@example.org",
    }
    managers = await client.get(USERS, headers=admin.headers, params={"role": "manager"})
    assert [u["email"] for u in managers.json()["items"]] == ["boss@example.org"]
    everyone = await client.get(USERS, headers=admin.headers)
    assert everyone.json()["total"] == 8
    assert set(everyone.json()["items"][0]) == {
        "id",
        "email",
        "full_name",
        "role",
        "department_id",
        "timezone",
        "is_active",
        "created_at",
    }


async def test_admin_creates_a_manager_who_can_log_in(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    response = await client.post(
        USERS,
        headers=admin.headers,
        json={"email": "New.Manager@example.org", "password": PASSWORD, "full_name": "New Manager", "role": "manager"},
    )
    assert response.status_code == 201
    assert response.json()["role"] == "manager"
    tokens = await login(client, "new.manager@example.org")
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json()["role"] == "manager"


async def test_create_with_unknown_department_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    response = await client.post(
        USERS,
        headers=admin.headers,
        json={
            "email": "x@example.org",
            "password": PASSWORD,
            "full_name": "X",
            "department_id": "00000000-0000-0000-0000-000000000001",
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unknown_department"


async def test_role_and_department_changes_are_audited(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    member = await account(app, client)
    dept = (await client.post("/api/v1/departments", headers=admin.headers, json={"name": "Data"})).json()
    response = await client.patch(
        f"{USERS}/{member.id}", headers=admin.headers, json={"role": "manager", "department_id": dept["id"]}
    )
    assert response.status_code == 200
    assert response.json()["role"] == "manager"
    assert response.json()["department_id"] == dept["id"]
    # The change applies to the member's existing token at once.
    me = await client.get("/api/v1/auth/me", headers=member.headers)
    assert me.json()["role"] == "manager"

    log = await client.get("/api/v1/admin/audit-log", headers=admin.headers, params={"target_id": str(member.id)})
    events = {e["action"]: e for e in log.json()["items"]}
    assert events["user.role_changed"]["details"] == {"old": "member", "new": "manager"}
    assert events["user.role_changed"]["actor_id"] == str(admin.id)
    assert events["user.role_changed"]["ip"] == "203.0.113.7"
    assert events["user.department_changed"]["details"]["new"] == dept["id"]

    cleared = await client.patch(f"{USERS}/{member.id}", headers=admin.headers, json={"department_id": None})
    assert cleared.json()["department_id"] is None


async def test_demoted_manager_stops_managing(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    manager = await account(app, client, Role.manager)
    dept = (
        await client.post(
            "/api/v1/departments", headers=admin.headers, json={"name": "QA", "manager_ids": [str(manager.id)]}
        )
    ).json()
    assert dept["manager_ids"] == [str(manager.id)]
    await client.patch(f"{USERS}/{manager.id}", headers=admin.headers, json={"role": "member"})
    listed = (await client.get("/api/v1/departments", headers=admin.headers)).json()["items"]
    assert listed[0]["manager_ids"] == []


async def test_last_admin_cannot_be_demoted_or_deactivated(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    for change in ({"role": "member"}, {"is_active": False}):
        response = await client.patch(f"{USERS}/{admin.id}", headers=admin.headers, json=change)
        assert response.status_code == 409
        assert response.json()["error"] == "last_admin"
    second = await account(app, client, Role.admin)
    demoted = await client.patch(f"{USERS}/{admin.id}", headers=second.headers, json={"role": "member"})
    assert demoted.status_code == 200


async def test_deactivation_is_audited(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    member = await account(app, client)
    await client.patch(f"{USERS}/{member.id}", headers=admin.headers, json={"is_active": False})
    await client.patch(f"{USERS}/{member.id}", headers=admin.headers, json={"is_active": True})
    async with app.state.sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(member.id))))
    assert "user.deactivated" in actions and "user.reactivated" in actions


async def test_unknown_user_is_404(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    response = await client.get(f"{USERS}/00000000-0000-0000-0000-000000000009", headers=admin.headers)
    assert response.status_code == 404
    assert response.json() == {"error": "user_not_found", "detail": "No such user."}
