"""Departments: a tree with managers; names unique; no cycles; managers must hold the manager or admin role."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from emberwatch.users.models import Role
from tests.conftest import account

DEPTS = "/api/v1/departments"


async def test_create_tree_and_list(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    manager = await account(app, client, Role.manager)
    eng = await client.post(
        DEPTS, headers=admin.headers, json={"name": "Engineering", "manager_ids": [str(manager.id)]}
    )
    assert eng.status_code == 201
    sre = await client.post(DEPTS, headers=admin.headers, json={"name": "SRE", "parent_id": eng.json()["id"]})
    assert sre.json()["parent_id"] == eng.json()["id"]
    member = await account(app, client)
    listed = await client.get(DEPTS, headers=member.headers)
    assert listed.json()["total"] == 2
    assert [d["name"] for d in listed.json()["items"]] == ["Engineering", "SRE"]
    assert listed.json()["items"][0]["manager_ids"] == [str(manager.id)]


async def test_names_are_unique(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    await client.post(DEPTS, headers=admin.headers, json={"name": "Sales"})
    again = await client.post(DEPTS, headers=admin.headers, json={"name": "Sales"})
    assert again.status_code == 409
    assert again.json()["error"] == "department_name_taken"


async def test_cycles_are_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    a = (await client.post(DEPTS, headers=admin.headers, json={"name": "A"})).json()
    b = (await client.post(DEPTS, headers=admin.headers, json={"name": "B", "parent_id": a["id"]})).json()
    c = (await client.post(DEPTS, headers=admin.headers, json={"name": "C", "parent_id": b["id"]})).json()
    for parent in (c["id"], a["id"]):
        response = await client.patch(f"{DEPTS}/{a['id']}", headers=admin.headers, json={"parent_id": parent})
        assert response.status_code == 400
        assert response.json()["error"] == "department_cycle"
    moved = await client.patch(f"{DEPTS}/{c['id']}", headers=admin.headers, json={"parent_id": None})
    assert moved.status_code == 200 and moved.json()["parent_id"] is None


async def test_managers_must_exist_and_hold_the_role(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    member = await account(app, client)
    response = await client.post(DEPTS, headers=admin.headers, json={"name": "X", "manager_ids": [str(member.id)]})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_manager"
    ghost = "00000000-0000-0000-0000-00000000000a"
    response = await client.post(DEPTS, headers=admin.headers, json={"name": "X", "manager_ids": [ghost]})
    assert response.status_code == 400
    assert ghost in response.json()["detail"]


async def test_update_replaces_managers_and_renames(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    first = await account(app, client, Role.manager)
    second = await account(app, client, Role.manager)
    dept = (
        await client.post(DEPTS, headers=admin.headers, json={"name": "Old", "manager_ids": [str(first.id)]})
    ).json()
    response = await client.patch(
        f"{DEPTS}/{dept['id']}", headers=admin.headers, json={"name": "New", "manager_ids": [str(second.id)]}
    )
    assert response.json() == {"id": dept["id"], "name": "New", "parent_id": None, "manager_ids": [str(second.id)]}


async def test_unknown_parent_and_department(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    ghost = "00000000-0000-0000-0000-00000000000b"
    response = await client.post(DEPTS, headers=admin.headers, json={"name": "Y", "parent_id": ghost})
    assert response.status_code == 400 and response.json()["error"] == "unknown_department"
    missing = await client.patch(f"{DEPTS}/{ghost}", headers=admin.headers, json={"name": "Z"})
    assert missing.status_code == 404 and missing.json()["error"] == "department_not_found"
