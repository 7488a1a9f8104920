"""Five failed logins for one email within 15 minutes lock it for 15 minutes, doubling on repeat (SPEC §2.1)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from emberwatch.audit.models import AuditEvent
from tests.conftest import PASSWORD, Clock, make_user

LOGIN = "/api/v1/auth/login"


async def fail(client: httpx.AsyncClient, email: str, times: int) -> list[int]:
    codes = []
    for _ in range(times):
        response = await client.post(LOGIN, json={"email": email, "password": "definitely wrong"})
        codes.append(response.status_code)
    return codes


async def test_fifth_failure_locks_even_the_right_password(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    await make_user(app, email="locked@example.org")
    assert await fail(client, "locked@example.org", 4) == [401] * 4
    fifth = await client.post(LOGIN, json={"email": "locked@example.org", "password": "definitely wrong"})
    assert fifth.status_code == 423
    assert fifth.json()["error"] == "account_locked"
    assert int(fifth.headers["retry-after"]) == 15 * 60

    clock.advance(minutes=5)
    right = await client.post(LOGIN, json={"email": "locked@example.org", "password": PASSWORD})
    assert right.status_code == 423
    assert int(right.headers["retry-after"]) == 10 * 60

    clock.advance(minutes=10, seconds=1)
    assert (await client.post(LOGIN, json={"email": "locked@example.org", "password": PASSWORD})).status_code == 200

    async with app.state.sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert actions.count("auth.login_failed") == 5
    assert actions.count("auth.lockout") == 1


async def test_lock_doubles_on_repeat(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    await make_user(app, email="again@example.org")
    assert (await fail(client, "again@example.org", 5))[-1] == 423
    clock.advance(minutes=16)
    second = await fail(client, "again@example.org", 5)
    assert second == [401, 401, 401, 401, 423]
    response = await client.post(LOGIN, json={"email": "again@example.org", "password": PASSWORD})
    assert int(response.headers["retry-after"]) == 30 * 60


async def test_unknown_emails_are_locked_the_same_way(client: httpx.AsyncClient) -> None:
    assert await fail(client, "nobody@example.org", 6) == [401, 401, 401, 401, 423, 423]


async def test_failures_spread_beyond_the_window_do_not_lock(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    await make_user(app, email="slow@example.org")
    for _ in range(3):
        assert await fail(client, "slow@example.org", 4) == [401] * 4
        clock.advance(minutes=16)
    assert (await client.post(LOGIN, json={"email": "slow@example.org", "password": PASSWORD})).status_code == 200


async def test_lock_is_per_email(client: httpx.AsyncClient, app: FastAPI) -> None:
    await make_user(app, email="victim@example.org")
    await make_user(app, email="bystander@example.org")
    await fail(client, "victim@example.org", 5)
    ok = await client.post(LOGIN, json={"email": "Bystander@example.org", "password": PASSWORD})
    assert ok.status_code == 200
    locked = await client.post(LOGIN, json={"email": "VICTIM@example.org", "password": PASSWORD})
    assert locked.status_code == 423  # the lock follows the address, whatever its case


async def test_success_resets_the_counter(client: httpx.AsyncClient, app: FastAPI) -> None:
    await make_user(app, email="reset@example.org")
    await fail(client, "reset@example.org", 4)
    assert (await client.post(LOGIN, json={"email": "reset@example.org", "password": PASSWORD})).status_code == 200
    assert await fail(client, "reset@example.org", 4) == [401] * 4
