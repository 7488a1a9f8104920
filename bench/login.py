"""Login latency with the production Argon2id parameters, beside the raw hash and a trivial endpoint, in one run.

    make bench            # or: .venv/bin/python -m bench.login --rounds 200

The API runs in process behind httpx's ASGI transport on a throwaway SQLite file, so the figures are the
service's own cost (no network, no server), sequential, one request at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from emberwatch.app import create_app
from emberwatch.core import migrations
from emberwatch.core.config import Settings

PASSWORD = "a long enough passphrase"  # noqa: S105 - a benchmark account


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100)
    return {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2), "p99_ms": round(q[98], 2), "n": len(ordered)}


async def _timed(n: int, call: Any) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def run(url: str, rounds: int) -> dict[str, Any]:
    settings = Settings(env="development", database_url=url, log_level="WARNING")
    app = create_app(settings)
    hasher = app.state.auth.hasher
    stored = hasher.hash_sync(PASSWORD)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        body = {"email": "bench@example.org", "password": PASSWORD, "full_name": "Bench"}
        assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201

        async def login() -> None:
            response = await client.post("/api/v1/auth/login", json={"email": body["email"], "password": PASSWORD})
            assert response.status_code == 200

        async def unknown() -> None:
            response = await client.post(
                "/api/v1/auth/login", json={"email": "nobody@example.org", "password": PASSWORD}
            )
            assert response.status_code in (401, 423)

        async def verify() -> None:
            assert await hasher.verify(stored, PASSWORD)

        async def health() -> None:
            assert (await client.get("/health")).status_code == 200

        await _timed(5, login)  # warm-up
        results = {
            "argon2id_verify": _percentiles(await _timed(rounds, verify)),
            "login": _percentiles(await _timed(rounds, login)),
            "login_unknown_email": _percentiles(await _timed(4, unknown)),
            "health": _percentiles(await _timed(rounds, health)),
        }
    await app.state.engine.dispose()
    policy = settings.auth
    return {
        "argon2": {"memory_kib": policy.argon2_memory_kib, "time_cost": policy.argon2_time_cost, "parallelism": 1},
        "machine": {"python": platform.python_version(), "cpu": platform.processor() or platform.machine()},
        "results": results,
        "login_over_verify": round(results["login"]["p50_ms"] / results["argon2id_verify"]["p50_ms"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--output", type=Path, default=Path("bench/out/login.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrations.upgrade(url)  # synchronous: Alembic runs its own event loop
        report = asyncio.run(run(url, args.rounds))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
