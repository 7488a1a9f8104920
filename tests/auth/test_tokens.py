"""Token misuse is refused with 401: forged, expired, wrong audience or issuer, wrong kind, reused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from tests.conftest import Clock, account, login

API = "/api/v1"
KEY = "test-secret-key-that-is-long-enough-for-hs256"


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def _me(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
async def claims(client: httpx.AsyncClient, app: FastAPI) -> dict[str, Any]:
    member = await account(app, client)
    return _claims(member.headers["Authorization"].removeprefix("Bearer "))


async def test_valid_token_is_accepted(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    assert (await _me(client, jwt.encode(claims, KEY, algorithm="HS256"))).status_code == 200


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"aud": "another-api"}, "wrong audience"),
        ({"iss": "someone-else"}, "wrong issuer"),
        ({"typ": "refresh"}, "wrong token type"),
        ({"sub": "not-a-uuid"}, "malformed subject"),
        ({"sid": "00000000-0000-0000-0000-000000000000"}, "unknown login"),
        ({"iat": 4_102_444_800, "exp": 4_102_445_700}, "issued in the future"),
        ({"exp": "tomorrow"}, "non-numeric expiry"),
    ],
)
async def test_tampered_claims_are_refused(
    client: httpx.AsyncClient, claims: dict[str, Any], change: dict[str, str], why: str
) -> None:
    response = await _me(client, jwt.encode({**claims, **change}, KEY, algorithm="HS256"))
    assert response.status_code == 401, why
    assert response.json()["error"] == "invalid_token"


@pytest.mark.parametrize("missing", ["exp", "iss", "aud", "typ", "sid"])
async def test_tokens_missing_a_required_claim_are_refused(
    client: httpx.AsyncClient, claims: dict[str, Any], missing: str
) -> None:
    stripped = {k: v for k, v in claims.items() if k != missing}
    assert (await _me(client, jwt.encode(stripped, KEY, algorithm="HS256"))).status_code == 401


async def test_alg_none_is_refused(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    assert (await _me(client, unsigned)).status_code == 401


@pytest.mark.filterwarnings("ignore:The HMAC key")
async def test_other_algorithm_with_same_key_is_refused(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    assert (await _me(client, jwt.encode(claims, KEY, algorithm="HS512"))).status_code == 401


async def test_token_signed_with_another_key_is_refused(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    forged = jwt.encode(claims, "another-secret-key-that-is-long-enough-too", algorithm="HS256")
    assert (await _me(client, forged)).status_code == 401


async def test_expired_token_is_refused(client: httpx.AsyncClient, claims: dict[str, Any]) -> None:
    past = {**claims, "iat": claims["iat"] - 3600, "exp": claims["iat"] - 1800}
    assert (await _me(client, jwt.encode(past, KEY, algorithm="HS256"))).status_code == 401


async def test_access_token_expires_after_fifteen_minutes(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    member = await account(app, client)
    claims = _claims(member.headers["Authorization"].removeprefix("Bearer "))
    assert claims["exp"] - claims["iat"] == int(timedelta(minutes=15).total_seconds())


async def test_garbage_and_missing_tokens(client: httpx.AsyncClient) -> None:
    assert (await _me(client, "not.a.token")).status_code == 401
    missing = await client.get(f"{API}/auth/me")
    assert missing.status_code == 401
    assert missing.json()["error"] == "unauthenticated"
    basic = await client.get(f"{API}/auth/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


async def test_refresh_token_is_not_an_access_token(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    assert (await _me(client, member.refresh_token)).status_code == 401


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    access = member.headers["Authorization"].removeprefix("Bearer ")
    response = await client.post(f"{API}/auth/refresh", json={"refresh_token": access})
    assert response.status_code == 401


async def test_reused_refresh_token_revokes_the_whole_login(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    other_login = await login(client, member.email)
    rotated = (await client.post(f"{API}/auth/refresh", json={"refresh_token": member.refresh_token})).json()

    reuse = await client.post(f"{API}/auth/refresh", json={"refresh_token": member.refresh_token})
    assert reuse.status_code == 401
    assert reuse.json()["error"] == "refresh_token_reused"
    # Everything issued to that login is dead: the first access token, the rotated pair.
    assert (await _me(client, member.headers["Authorization"].removeprefix("Bearer "))).status_code == 401
    assert (await _me(client, rotated["access_token"])).status_code == 401
    again = await client.post(f"{API}/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert again.status_code == 401
    # Another login of the same person is untouched.
    assert (await _me(client, other_login["access_token"])).status_code == 200


async def test_refresh_expires_after_thirty_days_whatever_the_rotation(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    member = await account(app, client)
    token = member.refresh_token
    for _ in range(3):
        clock.advance(days=9)
        response = await client.post(f"{API}/auth/refresh", json={"refresh_token": token})
        assert response.status_code == 200
        token = response.json()["refresh_token"]
    clock.advance(days=4)  # 31 days after the login
    assert (await client.post(f"{API}/auth/refresh", json={"refresh_token": token})).status_code == 401
