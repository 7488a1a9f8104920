"""Liveness and dependency checks at the root, where load balancers look for them (seed 001)."""

from __future__ import annotations

import time
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from emberwatch import __version__

router = APIRouter(tags=["health"])

CHECK_TIMEOUT_SECONDS = 2.0


class Check(BaseModel):
    status: Literal["ok", "down", "not_configured"]
    latency_ms: float | None = None
    error: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    checks: dict[str, Check]


async def _database(request: Request) -> Check:
    import anyio

    started = time.perf_counter()
    try:
        with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
            async with request.app.state.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "down"; the type tells the operator which
        return Check(status="down", error=type(exc).__name__)
    return Check(status="ok", latency_ms=round((time.perf_counter() - started) * 1000, 2))


async def _redis(request: Request) -> Check:
    client = request.app.state.redis
    if client is None:
        return Check(status="not_configured")
    started = time.perf_counter()
    try:
        await client.ping()
    except Exception as exc:
        return Check(status="down", error=type(exc).__name__)
    return Check(status="ok", latency_ms=round((time.perf_counter() - started) * 1000, 2))


def _answer(model: BaseModel, down: bool) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), status_code=503 if down else 200)


_RESPONSES: dict[int | str, dict[str, object]] = {503: {"description": "a dependency is down"}}


@router.get("/health", response_model=Health, responses=_RESPONSES)
async def health(request: Request) -> JSONResponse:
    """Liveness plus every dependency with its latency; 503 when one is down."""
    checks = {"database": await _database(request), "redis": await _redis(request)}
    down = any(c.status == "down" for c in checks.values())
    return _answer(Health(status="degraded" if down else "ok", version=__version__, checks=checks), down)


@router.get("/health/database", response_model=Check, responses=_RESPONSES)
async def health_database(request: Request) -> JSONResponse:
    """The database answers a query; 503 when it does not."""
    check = await _database(request)
    return _answer(check, check.status == "down")


@router.get("/health/redis", response_model=Check, responses=_RESPONSES)
async def health_redis(request: Request) -> JSONResponse:
    """Redis answers a ping (`not_configured` when the embedded in-memory default is in use)."""
    check = await _redis(request)
    return _answer(check, check.status == "down")
