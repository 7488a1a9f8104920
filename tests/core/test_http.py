"""Bad input gets a clear 4xx in the error format, never a 500; every response carries the house headers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import PASSWORD, account

REGISTER = "/api/v1/auth/register"


def _valid() -> dict[str, object]:
    return {"email": "someone@example.org", "password": PASSWORD, "full_name": "Someone"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": 42}, "email"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"password": None}, "password"),
        ({"password": ["a", "list"]}, "password"),
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "x" * 100}, "timezone"),
        ({"unexpected": "field"}, "unexpected"),
    ],
)
async def test_invalid_fields_are_named(client: httpx.AsyncClient, change: dict[str, object], field: str) -> None:
    response = await client.post(REGISTER, json={**_valid(), **change})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    assert field in body["detail"]
    assert any(f["loc"][-1] == field or field in f["loc"] for f in body["fields"])


@pytest.mark.parametrize("missing", ["email", "password", "full_name"])
async def test_missing_fields_are_named(client: httpx.AsyncClient, missing: str) -> None:
    body = {k: v for k, v in _valid().items() if k != missing}
    response = await client.post(REGISTER, json=body)
    assert response.status_code == 422
    assert response.json()["fields"] == [{"loc": ["body", missing], "message": "Field required", "type": "missing"}]


@pytest.mark.parametrize("payload", [b"{not json", b'{"email": "a@b.org",', b"\xff\xfe", b"[]", b"null"])
async def test_malformed_bodies(client: httpx.AsyncClient, payload: bytes) -> None:
    response = await client.post(REGISTER, content=payload, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.json()["error"] in ("invalid_json", "validation_error")


async def test_malformed_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(REGISTER, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_json", "detail": "The request body is not valid JSON."}


async def test_bad_path_and_query_parameters(client: httpx.AsyncClient, app: FastAPI) -> None:
    from emberwatch.users.models import Role

    admin = await account(app, client, Role.admin)
    not_uuid = await client.get("/api/v1/users/not-a-uuid", headers=admin.headers)
    assert not_uuid.status_code == 422
    assert not_uuid.json()["fields"][0]["loc"] == ["path", "user_id"]
    too_many = await client.get("/api/v1/users", headers=admin.headers, params={"limit": 1000})
    assert too_many.status_code == 422
    negative = await client.get("/api/v1/users", headers=admin.headers, params={"offset": -1})
    assert negative.status_code == 422
    bad_role = await client.get("/api/v1/users", headers=admin.headers, params={"role": "emperor"})
    assert bad_role.status_code == 422
    bad_since = await client.get("/api/v1/admin/audit-log", headers=admin.headers, params={"since": "yesterday"})
    assert bad_since.status_code == 422


async def test_two_mebibyte_body_is_refused_with_413(client: httpx.AsyncClient) -> None:
    big = b'{"email": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    response = await client.post(REGISTER, content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_streamed_body_without_length_is_limited_too(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "'
        for _ in range(40):
            yield b"a" * 64 * 1024
        yield b'"}'

    response = await client.post(REGISTER, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json() == {"error": "not_found", "detail": "Not Found"}
    wrong_method = await client.delete("/api/v1/auth/login")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"] == "method_not_allowed"


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await client.get("/health", headers={"X-Request-ID": "bad id with spaces\n"})
    assert made.headers["x-request-id"] != "bad id with spaces\n"
    assert len(made.headers["x-request-id"]) == 32


async def test_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in response.headers  # only in production


async def test_cors_allows_only_listed_origins(client: httpx.AsyncClient) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Authorization"}
    allowed = await client.options(REGISTER, headers={"Origin": "https://app.example.org", **preflight})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.org"
    refused = await client.options(REGISTER, headers={"Origin": "https://evil.example.com", **preflight})
    assert "access-control-allow-origin" not in refused.headers


async def test_large_responses_are_gzipped(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "paths" in response.json()


async def test_unexpected_error_is_a_logged_500_in_the_error_format(app: FastAPI, client: httpx.AsyncClient) -> None:
    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("bug")

    response = await client.get("/boom", headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500
    assert response.json() == {"error": "internal_error", "detail": "An unexpected error occurred."}
    assert response.headers["x-request-id"] == "trace-me"
