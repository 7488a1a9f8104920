"""Model versions: listed for admins, activated without a restart, swapped under load without a failed request."""

from __future__ import annotations

import asyncio
import shutil

import httpx
from fastapi import FastAPI

from emberwatch.app import create_app
from emberwatch.ml.predictor import BASELINE_VERSION
from emberwatch.users.models import Role
from tests.conftest import Clock, account, make_settings, register_model

ASSESS = "/api/v1/assessments"
ITEMS = {"exhaustion": 4, "capability": 2, "meaningfulness": 2}


async def test_list_and_activate(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    await register_model(app, "v-one")
    await register_model(app, "v-two", threshold=0.2)
    listed = (await client.get("/api/v1/models", headers=admin.headers)).json()
    assert listed["total"] == 2
    assert {m["version"]: m["is_active"] for m in listed["items"]} == {"v-one": False, "v-two": False}

    response = await client.post("/api/v1/models/v-two/activate", headers=admin.headers)
    assert response.status_code == 200
    assert response.json()["is_active"] is True and response.json()["activated_at"] is not None
    listed = (await client.get("/api/v1/models", headers=admin.headers)).json()
    assert {m["version"]: m["is_active"] for m in listed["items"]} == {"v-one": False, "v-two": True}

    member = await account(app, client)
    prediction = (await client.post(ASSESS, headers=member.headers, json=ITEMS)).json()["prediction"]
    assert prediction["model_version"] == "v-two"
    assert prediction["at_risk"] == (prediction["probabilities"]["high"] >= 0.2)

    audit = await client.get("/api/v1/admin/audit-log", headers=admin.headers, params={"action": "model.activated"})
    [event] = audit.json()["items"]
    assert event["target_id"] == "v-two" and event["actor_id"] == str(admin.id)


async def test_unknown_and_unloadable_versions(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    missing = await client.post("/api/v1/models/nope/activate", headers=admin.headers)
    assert missing.status_code == 404 and missing.json()["error"] == "model_not_found"
    await register_model(app, "v-gone")
    shutil.rmtree(app.state.settings.data_dir / "models" / "v-gone")
    gone = await client.post("/api/v1/models/v-gone/activate", headers=admin.headers)
    assert gone.status_code == 409 and gone.json()["error"] == "artifact_unavailable"
    bad = await client.post("/api/v1/models/..%2Fetc/activate", headers=admin.headers)
    assert bad.status_code in (404, 422)


async def test_corrupt_artifact_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    await register_model(app, "v-tampered")
    artifact = app.state.settings.data_dir / "models" / "v-tampered" / "model.npz"
    artifact.write_bytes(artifact.read_bytes() + b"\0")
    response = await client.post("/api/v1/models/v-tampered/activate", headers=admin.headers)
    assert response.status_code == 409
    assert "sha256" in response.json()["detail"]


async def test_swap_under_load_fails_no_request(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    admin = await account(app, client, Role.admin)
    await register_model(app, "v-old")
    await register_model(app, "v-new")
    await client.post("/api/v1/models/v-old/activate", headers=admin.headers)
    members = [await account(app, client) for _ in range(24)]

    async def submit(i: int) -> httpx.Response:
        await asyncio.sleep(0.001 * (i % 6))
        return await client.post(ASSESS, headers=members[i].headers, json=ITEMS)

    async def activate() -> httpx.Response:
        await asyncio.sleep(0.002)
        return await client.post("/api/v1/models/v-new/activate", headers=admin.headers)

    *submissions, activation = await asyncio.gather(*(submit(i) for i in range(24)), activate())
    assert activation.status_code == 200
    assert [r.status_code for r in submissions] == [201] * 24
    assert {r.json()["prediction"]["model_version"] for r in submissions} <= {"v-old", "v-new"}

    clock.advance(minutes=1)
    later = await account(app, client)
    after = await client.post(ASSESS, headers=later.headers, json=ITEMS)
    assert after.json()["prediction"]["model_version"] == "v-new"
    stored = (await client.get("/api/v1/predictions", headers=later.headers)).json()["items"][0]
    assert stored["model_version"] == "v-new"


async def test_another_process_follows_the_activation(
    client: httpx.AsyncClient, app: FastAPI, database_url: str
) -> None:
    """A second API process on the same database picks up the new version at its next refresh."""
    admin = await account(app, client, Role.admin)
    await register_model(app, "v-shared")
    other_app = create_app(make_settings(database_url, data_dir=app.state.settings.data_dir, model_refresh_seconds=0))
    member = await account(app, client)
    transport = httpx.ASGITransport(app=other_app)
    async with (
        other_app.router.lifespan_context(other_app),
        httpx.AsyncClient(transport=transport, base_url="http://other") as other,
    ):
        before = await other.get("/api/v1/dashboard", headers=member.headers)
        assert before.status_code == 200
        assert other_app.state.models.current.version == BASELINE_VERSION
        await client.post("/api/v1/models/v-shared/activate", headers=admin.headers)
        response = await other.post(ASSESS, headers=member.headers, json=ITEMS)
        assert response.json()["prediction"]["model_version"] == "v-shared"
