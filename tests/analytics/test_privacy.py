"""Trying to learn one person's data as a manager, and failing; and the numbers that are shown are right."""

from __future__ import annotations

import statistics
import uuid

import httpx
from fastapi import FastAPI

from emberwatch.analytics import service as analytics
from emberwatch.core.db import session_scope
from emberwatch.users.models import Role
from tests.conftest import Account, Clock, account

OVERVIEW = "/api/v1/analytics/dashboard/overview"
SUPPRESSED = {"suppressed": True, "reason": "group_too_small"}


async def _department(
    client: httpx.AsyncClient,
    admin: Account,
    name: str,
    parent: str | None = None,
    managers: list[uuid.UUID] | None = None,
) -> str:
    body = {"name": name, "parent_id": parent, "manager_ids": [str(m) for m in managers or []]}
    response = await client.post("/api/v1/departments", headers=admin.headers, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _team(app: FastAPI, client: httpx.AsyncClient, department: str, size: int) -> list[Account]:
    return [await account(app, client, department_id=uuid.UUID(department)) for _ in range(size)]


async def _check_in(client: httpx.AsyncClient, people: list[Account], items: list[tuple[int, int, int]]) -> None:
    for who, (e, c, m) in zip(people, items, strict=True):
        r = await client.post(
            "/api/v1/assessments", headers=who.headers, json={"exhaustion": e, "capability": c, "meaningfulness": m}
        )
        assert r.status_code == 201, r.text


def _this_week(body: dict, department: str) -> dict:
    [row] = [d for d in body["departments"] if d["id"] == department]
    return row["weeks"][-1]


async def test_a_department_of_four_is_never_shown(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    manager = await account(app, client, Role.manager)
    small = await _department(client, admin, "Small", managers=[manager.id])
    await _check_in(client, await _team(app, client, small, 4), [(6, 0, 0), (1, 5, 5), (2, 4, 4), (3, 3, 3)])
    body = (await client.get(OVERVIEW, headers=manager.headers)).json()
    cell = _this_week(body, small)
    assert cell["checkins"] == SUPPRESSED
    assert "6" not in str(cell["checkins"])
    health = (await client.get(f"/api/v1/departments/{small}/health", headers=manager.headers)).json()
    assert all(week["checkins"] == SUPPRESSED or week["checkins"]["participants"] == 0 for week in health["weeks"])


async def test_five_participants_show_numbers_equal_to_the_raw_rows(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    manager = await account(app, client, Role.manager)
    team = await _department(client, admin, "Five", managers=[manager.id])
    items = [(5, 1, 1), (4, 2, 2), (1, 5, 6), (3, 3, 3), (2, 4, 5)]
    people = await _team(app, client, team, 6)  # six members, five check in
    await _check_in(client, people[:5], items)
    cell = _this_week((await client.get(OVERVIEW, headers=manager.headers)).json(), team)["checkins"]
    # Computed independently from what was submitted:
    assert cell["participants"] == 5
    assert cell["participation_rate"] == round(5 / 6, 3)
    assert cell["ee"] == round(statistics.fmean(e for e, _, _ in items), 3)
    assert cell["pa"] == round(statistics.fmean(c for _, c, _ in items), 3)
    assert cell["dp"] == round(statistics.fmean(6 - m for _, _, m in items), 3)
    levels = []
    for who in people[:5]:
        levels.append((await client.get("/api/v1/predictions", headers=who.headers)).json()["items"][0]["risk_level"])
    assert cell["risk_distribution"] == {level: levels.count(level) for level in ("low", "moderate", "high")}


async def test_a_week_with_four_of_six_is_withheld(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    admin = await account(app, client, Role.admin)
    manager = await account(app, client, Role.manager)
    team = await _department(client, admin, "Six", managers=[manager.id])
    people = await _team(app, client, team, 6)
    await _check_in(client, people[:4], [(3, 3, 3)] * 4)
    cell = _this_week((await client.get(OVERVIEW, headers=manager.headers)).json(), team)
    assert cell["checkins"] == SUPPRESSED  # 40 members would not help: the week had 4 people


async def test_sub_departments_of_six_and_four_under_a_parent_of_ten(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    manager = await account(app, client, Role.manager)
    parent = await _department(client, admin, "Parent", managers=[manager.id])
    six = await _department(client, admin, "Six", parent)
    four = await _department(client, admin, "Four", parent)
    await _check_in(client, await _team(app, client, six, 6), [(2, 4, 4)] * 6)
    await _check_in(client, await _team(app, client, four, 4), [(6, 0, 0)] * 4)
    body = (await client.get(OVERVIEW, headers=manager.headers)).json()
    parent_cell = _this_week(body, parent)["checkins"]
    assert parent_cell["participants"] == 10
    assert _this_week(body, four)["checkins"] == SUPPRESSED
    assert _this_week(body, six)["checkins"] == SUPPRESSED  # or parent minus six would give the four away
    # The department health endpoint withholds the same cells.
    health = (await client.get(f"/api/v1/departments/{six}/health", headers=manager.headers)).json()
    assert health["weeks"][-1]["checkins"] == SUPPRESSED


async def test_managers_see_only_their_departments_and_nobody_sees_a_person(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    admin = await account(app, client, Role.admin)
    mine, theirs = await account(app, client, Role.manager), await account(app, client, Role.manager)
    my_team = await _department(client, admin, "Mine", managers=[mine.id])
    their_team = await _department(client, admin, "Theirs", managers=[theirs.id])
    members = await _team(app, client, their_team, 5)
    await _check_in(client, members, [(6, 0, 0)] * 5)
    body = (await client.get(OVERVIEW, headers=mine.headers)).json()
    assert [d["id"] for d in body["departments"]] == [my_team]
    assert (await client.get(f"/api/v1/departments/{their_team}/health", headers=mine.headers)).status_code == 404
    summary = await client.get(f"/api/v1/analytics/user/{members[0].id}/summary", headers=theirs.headers)
    assert summary.status_code == 404
    # An admin sees every department, and still no one's check-ins: there is no endpoint that lists them.
    all_departments = (await client.get(OVERVIEW, headers=admin.headers)).json()
    assert {d["id"] for d in all_departments["departments"]} == {my_team, their_team}
    assert (await client.get("/api/v1/assessments", headers=admin.headers)).json()["total"] == 0
    assert "exhaustion" not in (await client.get(f"/api/v1/users/{members[0].id}", headers=admin.headers)).text


async def test_own_summary(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    await client.post(
        "/api/v1/assessments", headers=member.headers, json={"exhaustion": 4, "capability": 2, "meaningfulness": 3}
    )
    await client.post(
        "/api/v1/surveys/responses", headers=member.headers, json={"instrument": "who5", "answers": [3] * 5}
    )
    body = (await client.get(f"/api/v1/analytics/user/{member.id}/summary", headers=member.headers)).json()
    assert body["checkins"]["today_submitted"] is True
    assert body["risk_by_week"][-1]["risk_level"] in ("low", "moderate", "high")
    assert body["surveys"]["who5"]["score"] == 60.0


async def test_rebuild_gives_the_same_rollups(client: httpx.AsyncClient, app: FastAPI) -> None:
    admin = await account(app, client, Role.admin)
    team = await _department(client, admin, "Rebuilt", managers=[admin.id])
    await _check_in(client, await _team(app, client, team, 5), [(1, 5, 5), (2, 4, 4), (3, 3, 3), (4, 2, 2), (5, 1, 1)])
    before = (await client.get(OVERVIEW, headers=admin.headers)).json()
    async with session_scope(app.state.sessionmaker) as session:
        assert await analytics.rebuild(session) == 1
    after = (await client.get(OVERVIEW, headers=admin.headers)).json()
    assert _this_week(after, team) == _this_week(before, team)
