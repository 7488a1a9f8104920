"""Registration, login, profile, refresh rotation, logout, password reset and change, through the HTTP API."""

from __future__ import annotations

import asyncio
import re

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from emberwatch.audit.models import AuditEvent
from emberwatch.users.models import Role
from tests.conftest import PASSWORD, Clock, account, login, make_user

API = "/api/v1"


async def audit_actions(app: FastAPI) -> list[str]:
    async with app.state.sessionmaker() as session:
        return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)))


async def test_register_login_and_read_own_profile(client: httpx.AsyncClient, app: FastAPI) -> None:
    response = await client.post(
        f"{API}/auth/register",
        json={
            "email": "Ana.Silva@Example.org",
            "password": PASSWORD,
            "full_name": " Ana Silva ",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["email"] == "ana.silva@example.org"  # case-insensitive identity
    assert user["full_name"] == "Ana Silva"
    assert user["role"] == "member"
    assert user["timezone"] == "Asia/Tokyo"
    assert "password" not in response.text and "hash" not in response.text

    tokens = await login(client, "ANA.SILVA@example.org")
    assert tokens["token_type"] == "bearer"
    assert tokens["expires_in"] == 15 * 60
    me = await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]
    assert me.json()["reminder_time"] is None
    assert await audit_actions(app) == ["user.registered", "auth.login"]


async def test_oauth2_form_login_for_swagger(client: httpx.AsyncClient, app: FastAPI) -> None:
    await make_user(app, email="form@example.org")
    response = await client.post(f"{API}/auth/token", data={"username": "form@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "refresh_token", "token_type", "expires_in"}


async def test_profile_update_changes_only_what_was_sent(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    response = await client.patch(
        f"{API}/auth/me", headers=member.headers, json={"timezone": "America/New_York", "reminder_time": "18:30"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["timezone"] == "America/New_York"
    assert body["reminder_time"] == "18:30:00"
    assert body["full_name"] == "Test member"
    again = await client.get(f"{API}/auth/me", headers=member.headers)
    assert again.json() == body


async def test_profile_cannot_change_role_or_department(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    response = await client.patch(f"{API}/auth/me", headers=member.headers, json={"role": "admin"})
    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"] == ["body", "role"]
    assert (await client.get(f"{API}/auth/me", headers=member.headers)).json()["role"] == "member"


async def test_duplicate_email_is_a_conflict(client: httpx.AsyncClient, app: FastAPI) -> None:
    await make_user(app, email="taken@example.org")
    response = await client.post(
        f"{API}/auth/register", json={"email": "TAKEN@example.org", "password": PASSWORD, "full_name": "X"}
    )
    assert response.status_code == 409
    assert response.json() == {"error": "email_taken", "detail": "An account with this email already exists."}


async def test_concurrent_registrations_of_one_email_create_one_user(client: httpx.AsyncClient, app: FastAPI) -> None:
    body = {"email": "race@example.org", "password": PASSWORD, "full_name": "Racer"}
    responses = await asyncio.gather(*(client.post(f"{API}/auth/register", json=body) for _ in range(12)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 11, codes
    admin = await account(app, client, Role.admin)
    listed = await client.get(f"{API}/users", headers=admin.headers, params={"limit": 100})
    assert [u["email"] for u in listed.json()["items"]].count("race@example.org") == 1


async def test_common_and_short_passwords_are_refused(client: httpx.AsyncClient) -> None:
    common = await client.post(
        f"{API}/auth/register", json={"email": "c@example.org", "password": "qwerty123456", "full_name": "C"}
    )
    assert common.status_code == 400
    assert common.json()["error"] == "weak_password"
    # Passwords of 12+ characters from the list are refused too, whatever their case.
    upper = await client.post(
        f"{API}/auth/register", json={"email": "c@example.org", "password": "1Q2W3E4R5T6Y", "full_name": "C"}
    )
    assert upper.status_code == 400, upper.text
    short = await client.post(
        f"{API}/auth/register", json={"email": "c@example.org", "password": "short pass", "full_name": "C"}
    )
    assert short.status_code == 422
    assert short.json()["fields"][0]["loc"] == ["body", "password"]
    too_long = await client.post(
        f"{API}/auth/register", json={"email": "c@example.org", "password": "x" * 129, "full_name": "C"}
    )
    assert too_long.status_code == 422
    own_email = await client.post(
        f"{API}/auth/register",
        json={"email": "longlocalpart@example.org", "password": "LongLocalPart", "full_name": "C"},
    )
    assert own_email.status_code == 400


async def test_registration_can_be_closed(database_url: str, clock: Clock) -> None:
    from emberwatch.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(database_url, open_registration=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.post(
            f"{API}/auth/register", json={"email": "a@example.org", "password": PASSWORD, "full_name": "A"}
        )
    await app.state.engine.dispose()
    assert response.status_code == 403
    assert response.json()["error"] == "registration_closed"


async def test_wrong_password_and_unknown_email_look_the_same(client: httpx.AsyncClient, app: FastAPI) -> None:
    await make_user(app, email="known@example.org")
    wrong = await client.post(f"{API}/auth/login", json={"email": "known@example.org", "password": "nope nope nope"})
    unknown = await client.post(f"{API}/auth/login", json={"email": "ghost@example.org", "password": "nope nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "invalid_credentials", "detail": "Wrong email or password."}
    assert wrong.headers["www-authenticate"] == "Bearer"


async def test_unknown_email_costs_one_password_verification(client: httpx.AsyncClient, app: FastAPI) -> None:
    """Equal work: the hasher runs for accounts that do not exist too."""
    hasher = app.state.auth.hasher
    calls: list[str | None] = []
    original = hasher.verify

    async def counting_verify(password_hash: str | None, password: str) -> bool:
        calls.append(password_hash)
        return await original(password_hash, password)

    hasher.verify = counting_verify
    await client.post(f"{API}/auth/login", json={"email": "ghost@example.org", "password": "whatever it is"})
    assert calls == [None]


async def test_deactivated_account_cannot_log_in_or_use_its_token(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    admin = await account(app, client, Role.admin)
    response = await client.patch(f"{API}/users/{member.id}", headers=admin.headers, json={"is_active": False})
    assert response.status_code == 200
    assert (await client.get(f"{API}/auth/me", headers=member.headers)).status_code == 401
    relogin = await client.post(f"{API}/auth/login", json={"email": member.email, "password": PASSWORD})
    assert relogin.status_code == 401
    refreshed = await client.post(f"{API}/auth/refresh", json={"refresh_token": member.refresh_token})
    assert refreshed.status_code == 401


async def test_refresh_rotates_and_old_token_stops_working(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    first = await client.post(f"{API}/auth/refresh", json={"refresh_token": member.refresh_token})
    assert first.status_code == 200
    pair = first.json()
    assert pair["refresh_token"] != member.refresh_token
    me = await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.json()["email"] == member.email
    second = await client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert second.status_code == 200


async def test_logout_revokes_that_login_only(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    other_login = await login(client, member.email)
    response = await client.post(
        f"{API}/auth/logout", headers=member.headers, json={"refresh_token": member.refresh_token}
    )
    assert response.status_code == 204
    assert (await client.get(f"{API}/auth/me", headers=member.headers)).status_code == 401
    assert (await client.post(f"{API}/auth/refresh", json={"refresh_token": member.refresh_token})).status_code == 401
    still = await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {other_login['access_token']}"})
    assert still.status_code == 200


async def test_logout_refuses_someone_elses_refresh_token(client: httpx.AsyncClient, app: FastAPI) -> None:
    alice = await account(app, client)
    bob = await account(app, client)
    response = await client.post(f"{API}/auth/logout", headers=alice.headers, json={"refresh_token": bob.refresh_token})
    assert response.status_code == 401
    assert (await client.get(f"{API}/auth/me", headers=bob.headers)).status_code == 200


def _token_from(mail_body: str) -> str:
    match = re.search(r"Reset token: (\S+)", mail_body)
    assert match, mail_body
    return match.group(1)


async def test_password_reset_flow(client: httpx.AsyncClient, app: FastAPI, outbox: list, clock: Clock) -> None:
    member = await account(app, client)
    response = await client.post(f"{API}/auth/password-reset/request", json={"email": member.email})
    assert response.status_code == 202
    assert len(outbox) == 1 and outbox[0].to == member.email
    token = _token_from(outbox[0].body)

    new_password = "an entirely new passphrase"
    confirm = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": new_password}
    )
    assert confirm.status_code == 204
    # Every existing login is revoked, the old password fails, the new one works, the token is single-use.
    assert (await client.get(f"{API}/auth/me", headers=member.headers)).status_code == 401
    old = await client.post(f"{API}/auth/login", json={"email": member.email, "password": PASSWORD})
    assert old.status_code == 401
    await login(client, member.email, new_password)
    replay = await client.post(
        f"{API}/auth/password-reset/confirm", json={"token": token, "new_password": "yet another passphrase"}
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_reset_token"
    actions = await audit_actions(app)
    assert "auth.password_reset_requested" in actions and "auth.password_reset" in actions


async def test_password_reset_for_unknown_email_answers_the_same(
    client: httpx.AsyncClient, app: FastAPI, outbox: list
) -> None:
    await make_user(app, email="real@example.org")
    known = await client.post(f"{API}/auth/password-reset/request", json={"email": "real@example.org"})
    unknown = await client.post(f"{API}/auth/password-reset/request", json={"email": "ghost@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [m.to for m in outbox] == ["real@example.org"]


async def test_password_reset_token_expires_after_30_minutes(
    client: httpx.AsyncClient, app: FastAPI, outbox: list, clock: Clock
) -> None:
    member = await account(app, client)
    await client.post(f"{API}/auth/password-reset/request", json={"email": member.email})
    clock.advance(minutes=31)
    response = await client.post(
        f"{API}/auth/password-reset/confirm",
        json={"token": _token_from(outbox[0].body), "new_password": "an entirely new passphrase"},
    )
    assert response.status_code == 400


async def test_password_change_keeps_this_login_and_ends_the_others(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    elsewhere = await login(client, member.email)
    wrong = await client.post(
        f"{API}/auth/me/password",
        headers=member.headers,
        json={"current_password": "not my password", "new_password": "a brand new passphrase"},
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "wrong_password"
    ok = await client.post(
        f"{API}/auth/me/password",
        headers=member.headers,
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert ok.status_code == 204
    assert (await client.get(f"{API}/auth/me", headers=member.headers)).status_code == 200
    other = await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {elsewhere['access_token']}"})
    assert other.status_code == 401
    await login(client, member.email, "a brand new passphrase")
    assert "auth.password_changed" in await audit_actions(app)
