"""Every endpoint × every kind of caller, with the status each must get (SPEC §1, §2).

`test_matrix_covers_every_route` fails when an endpoint is added without a row here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import Route

from emberwatch.app import create_app
from emberwatch.users.models import Role
from tests.conftest import PASSWORD, Account, account, login, make_settings, register_model

CALLERS = ("anonymous", "member", "manager", "admin", "other_member")


@dataclass
class World:
    member: Account
    other_member: Account
    manager: Account
    admin: Account
    department_id: uuid.UUID
    model_version: str
    integration_id: uuid.UUID
    analysis_id: uuid.UUID

    def caller(self, name: str) -> Account | None:
        return None if name == "anonymous" else getattr(self, name)


Body = Callable[[World, Account | None], dict[str, Any]]


def _none(_: World, __: Account | None) -> dict[str, Any]:
    return {}


def _fresh_email(_: World, __: Account | None) -> dict[str, Any]:
    return {"json": {"email": f"new-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD, "full_name": "New"}}


def _own_credentials(world: World, caller: Account | None) -> dict[str, Any]:
    who = caller or world.member
    return {"json": {"email": who.email, "password": PASSWORD}}


def _own_form(world: World, caller: Account | None) -> dict[str, Any]:
    who = caller or world.member
    return {"data": {"username": who.email, "password": PASSWORD}}


def _member_refresh(world: World, _: Account | None) -> dict[str, Any]:
    return {"json": {"refresh_token": world.member.refresh_token}}


def _own_refresh(world: World, caller: Account | None) -> dict[str, Any]:
    who = caller or world.member
    return {"json": {"refresh_token": who.refresh_token}}


def _new_user(_: World, __: Account | None) -> dict[str, Any]:
    return {"json": {"email": f"made-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD, "full_name": "Made"}}


def _new_department(_: World, __: Account | None) -> dict[str, Any]:
    return {"json": {"name": f"Dept {uuid.uuid4().hex[:6]}"}}


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: tuple[int, int, int, int, int]  # in the order of CALLERS
    body: Body = _none


ANYONE_200 = (200, 200, 200, 200, 200)
SIGNED_IN = (401, 200, 200, 200, 200)
ADMIN_ONLY = (401, 403, 403, 200, 403)
MANAGERS = (401, 403, 200, 200, 403)
OWNER_ONLY = (401, 403, 200, 404, 403)  # the world's integration and analysis belong to its manager
OWNER_ONLY_204 = (401, 403, 204, 404, 403)
INCIDENT_CSV = (
    "id,created_at,acknowledged_at,resolved_at,severity,responder_email,responder_name,responder_timezone,title\n"
    "INC-1,2026-01-05T10:00:00Z,2026-01-05T10:05:00Z,,high,sre@example.org,Sre,Europe/Berlin,Disk full\n"
)

MATRIX = [
    Row("POST", "/api/v1/auth/register", (201, 201, 201, 201, 201), _fresh_email),
    Row("POST", "/api/v1/auth/login", ANYONE_200, _own_credentials),
    Row("POST", "/api/v1/auth/token", ANYONE_200, _own_form),
    Row("POST", "/api/v1/auth/refresh", ANYONE_200, _own_refresh),
    # Logging out someone else's login is refused: the refresh token must be one of the caller's.
    Row("POST", "/api/v1/auth/logout", (401, 204, 401, 401, 401), _member_refresh),
    Row("POST", "/api/v1/auth/password-reset/request", (202,) * 5, lambda w, c: {"json": {"email": w.member.email}}),
    Row(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        (400,) * 5,
        lambda w, c: {"json": {"token": "x" * 43, "new_password": "a perfectly fine passphrase"}},
    ),
    Row(
        "POST",
        "/api/v1/auth/me/password",
        (401, 204, 204, 204, 204),
        lambda w, c: {"json": {"current_password": PASSWORD, "new_password": "a perfectly fine passphrase"}},
    ),
    Row("GET", "/api/v1/auth/me", SIGNED_IN),
    Row("PATCH", "/api/v1/auth/me", SIGNED_IN, lambda w, c: {"json": {"full_name": "Renamed"}}),
    Row("GET", "/api/v1/users", ADMIN_ONLY),
    Row("POST", "/api/v1/users", (401, 403, 403, 201, 403), _new_user),
    Row("GET", "/api/v1/users/{member_id}", ADMIN_ONLY),
    Row("PATCH", "/api/v1/users/{member_id}", ADMIN_ONLY, lambda w, c: {"json": {"full_name": "Changed"}}),
    Row("GET", "/api/v1/departments", SIGNED_IN),
    Row("POST", "/api/v1/departments", (401, 403, 403, 201, 403), _new_department),
    Row("PATCH", "/api/v1/departments/{department_id}", ADMIN_ONLY, lambda w, c: {"json": {"name": "Renamed"}}),
    Row("GET", "/api/v1/admin/audit-log", ADMIN_ONLY),
    Row(
        "POST",
        "/api/v1/assessments",
        (401, 201, 201, 201, 201),
        lambda w, c: {"json": {"exhaustion": 3, "capability": 4, "meaningfulness": 5}},
    ),
    Row("GET", "/api/v1/assessments", SIGNED_IN),
    Row("GET", "/api/v1/dashboard", SIGNED_IN),
    Row("GET", "/api/v1/predictions", SIGNED_IN),
    Row("GET", "/api/v1/models", ADMIN_ONLY),
    Row("GET", "/api/v1/me/export", SIGNED_IN),
    # Erasure without ?confirm=true is refused for everyone signed in (the confirmed path is in test_data_rights).
    Row("DELETE", "/api/v1/me", (401, 400, 400, 400, 400)),
    Row("GET", "/api/v1/analytics/dashboard/overview", MANAGERS),
    Row("GET", "/api/v1/departments/{department_id}/health", MANAGERS),
    Row("GET", "/api/v1/analytics/user/{member_id}/summary", (401, 200, 404, 404, 404)),
    Row("GET", "/api/v1/surveys/instruments", SIGNED_IN),
    Row(
        "POST",
        "/api/v1/surveys/responses",
        (401, 201, 201, 201, 201),
        lambda w, c: {"json": {"instrument": "who5", "answers": [3, 3, 3, 3, 3]}},
    ),
    Row("GET", "/api/v1/surveys/responses", SIGNED_IN),
    # Self only: the path names the member, so only the member gets it; everyone else is told it does not exist.
    Row("GET", "/api/v1/surveys/responses/user/{member_id}/burnout-trend", (401, 200, 404, 404, 404)),
    # Workload: managers and admins; an integration or analysis belongs to its owner (the manager) alone.
    Row(
        "POST",
        "/api/v1/integrations",
        (401, 403, 201, 201, 403),
        lambda w, c: {"json": {"platform": "import", "name": "x"}},
    ),
    Row("GET", "/api/v1/integrations", MANAGERS),
    Row("DELETE", "/api/v1/integrations/{integration_id}", OWNER_ONLY_204),
    Row("POST", "/api/v1/integrations/{integration_id}/test", OWNER_ONLY),
    Row("POST", "/api/v1/integrations/{integration_id}/sync", (401, 403, 400, 404, 403)),
    Row(
        "POST",
        "/api/v1/integrations/{integration_id}/incidents/import",
        (401, 403, 201, 404, 403),
        lambda w, c: {"files": {"file": ("incidents.csv", INCIDENT_CSV, "text/csv")}},
    ),
    Row(
        "POST",
        "/api/v1/analyses/run",
        (401, 403, 202, 404, 403),
        lambda w, c: {"json": {"integration_id": str(w.integration_id), "time_range": 30}},
    ),
    Row("GET", "/api/v1/analyses", MANAGERS),
    Row("GET", "/api/v1/analyses/{analysis_id}", OWNER_ONLY),
    Row("DELETE", "/api/v1/analyses/{analysis_id}", OWNER_ONLY_204),
    Row("POST", "/api/v1/models/{model_version}/activate", ADMIN_ONLY),
    Row("GET", "/health", ANYONE_200),
    Row("GET", "/health/database", ANYONE_200),
    Row("GET", "/health/redis", ANYONE_200),
    Row("GET", "/openapi.json", ANYONE_200),
    Row("GET", "/docs", ANYONE_200),
    Row("GET", "/redoc", ANYONE_200),
]

# Routes FastAPI adds for Swagger's OAuth2 redirect; not part of the API.
NOT_ENDPOINTS = {("GET", "/docs/oauth2-redirect")}


def test_matrix_covers_every_route() -> None:
    app = create_app(make_settings("sqlite+aiosqlite:///:memory:"))
    routes = {(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item}
    for route in app.routes:  # the documentation pages, which are not in the schema
        if isinstance(route, Route):
            routes.update((method, route.path) for method in route.methods or () if method != "HEAD")
    covered = {
        (row.method, row.path.replace("{member_id}", "{user_id}").replace("{model_version}", "{version}"))
        for row in MATRIX
    }
    assert routes - NOT_ENDPOINTS == covered


async def _pending_analysis(app: FastAPI, owner_id: uuid.UUID, integration_id: uuid.UUID) -> uuid.UUID:
    """An analysis row without running the job: the matrix is about who may see it, not about scoring."""
    from emberwatch.core.db import session_scope
    from emberwatch.workload.models import Analysis

    async with session_scope(app.state.sessionmaker) as session:
        analysis = Analysis(
            integration_id=integration_id,
            owner_id=owner_id,
            time_range=30,
            include_weekends=True,
            window_end=app.state.clock(),
        )
        session.add(analysis)
        await session.flush()
        return analysis.id


@pytest.fixture
async def world(app: FastAPI, client: httpx.AsyncClient) -> World:
    admin = await account(app, client, Role.admin)
    response = await client.post("/api/v1/departments", headers=admin.headers, json={"name": "Platform"})
    department_id = uuid.UUID(response.json()["id"])
    manager = await account(app, client, Role.manager, department_id=department_id)
    await client.patch(
        f"/api/v1/departments/{department_id}", headers=admin.headers, json={"manager_ids": [str(manager.id)]}
    )
    integration = await client.post(
        "/api/v1/integrations", headers=manager.headers, json={"platform": "import", "name": "On-call export"}
    )
    analysis_id = await _pending_analysis(app, manager.id, uuid.UUID(integration.json()["id"]))
    return World(
        member=await account(app, client, department_id=department_id),
        other_member=await account(app, client, department_id=department_id),
        manager=manager,
        admin=admin,
        department_id=department_id,
        model_version=await register_model(app),
        integration_id=uuid.UUID(integration.json()["id"]),
        analysis_id=analysis_id,
    )


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: f"{r.method} {r.path}")
async def test_authorization(client: httpx.AsyncClient, world: World, row: Row, caller: str) -> None:
    who = world.caller(caller)
    path = row.path.format(
        member_id=world.member.id,
        department_id=world.department_id,
        model_version=world.model_version,
        integration_id=world.integration_id,
        analysis_id=world.analysis_id,
    )
    headers = who.headers if who else {}
    response = await client.request(row.method, path, headers=headers, **row.body(world, who))
    expected = row.expected[CALLERS.index(caller)]
    assert response.status_code == expected, f"{caller} {row.method} {path}: {response.text[:300]}"
    if response.status_code in (401, 403):
        assert response.json()["error"] in {"unauthenticated", "forbidden", "invalid_token"}


async def test_login_still_works_after_matrix_password_change(client: httpx.AsyncClient, world: World) -> None:
    """Guards the matrix row above: a changed password takes effect for the next login."""
    await client.post(
        "/api/v1/auth/me/password",
        headers=world.member.headers,
        json={"current_password": PASSWORD, "new_password": "a perfectly fine passphrase"},
    )
    await login(client, world.member.email, "a perfectly fine passphrase")
