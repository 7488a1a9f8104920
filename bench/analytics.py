"""Organisation overview latency as data grows (SPEC §5): p95 of `GET /analytics/dashboard/overview` (uncached)
on an almost empty PostgreSQL database, then again with 100,000 users × 365 days of check-ins, in one run.

    make bench-analytics     # or: .venv/bin/python -m bench.analytics [--users 100000 --days 365]

Needs PostgreSQL (EMBERWATCH_BENCH_DATABASE_URL, default postgresql+asyncpg://postgres@127.0.0.1:5432/
emberwatch_bench, created if missing and wiped). Check-ins are generated inside PostgreSQL (generate_series) and
the department-week rollups are filled with one aggregate query, as `emberwatch analytics rebuild` would fill them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from emberwatch.app import create_app
from emberwatch.core import migrations
from emberwatch.core.cache import Cache
from emberwatch.core.config import AuthPolicy, Settings

URL = os.environ.get("EMBERWATCH_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/emberwatch_bench")
TOP, CHILDREN = 20, 10  # 20 divisions of 10 teams: 220 departments


class NoCache(Cache):
    """Every read misses: the benchmark measures the work, not the cache."""

    async def get(self, key: str) -> Any | None:
        return None


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _reset(url: str) -> None:
    dsn = _dsn(url)
    name = dsn.rsplit("/", 1)[1]
    admin = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()


async def _organisation(url: str, users: int) -> None:
    conn = await asyncpg.connect(_dsn(url))
    await conn.execute(
        """
        INSERT INTO departments (id, name, parent_id, created_at)
        SELECT gen_random_uuid(), 'Division ' || d, NULL, now() FROM generate_series(1, $1) d
        """,
        TOP,
    )
    await conn.execute(
        """
        INSERT INTO departments (id, name, parent_id, created_at)
        SELECT gen_random_uuid(), p.name || ' team ' || c, p.id, now()
        FROM departments p CROSS JOIN generate_series(1, $1) c WHERE p.parent_id IS NULL
        """,
        CHILDREN,
    )
    await conn.execute(
        """
        INSERT INTO users (id, email, full_name, password_hash, role, department_id, timezone, is_active,
                           created_at, updated_at)
        SELECT gen_random_uuid(), 'user' || n || '@bench.example.org', 'User ' || n, 'x', 'member',
               (SELECT id FROM departments WHERE parent_id IS NOT NULL ORDER BY name OFFSET (n % $2) LIMIT 1),
               'UTC', true, now(), now()
        FROM generate_series(1, $1) n
        """,
        users,
        TOP * CHILDREN,
    )
    await conn.close()


async def _history(url: str, days: int) -> float:
    started = time.perf_counter()
    conn = await asyncpg.connect(_dsn(url))
    await conn.execute("SET synchronous_commit = off")
    # Bulk load: skip the per-row foreign-key triggers (the rows are generated from the users table itself).
    await conn.execute("SET session_replication_role = replica")
    await conn.execute(
        """
        INSERT INTO checkins (id, user_id, department_id, date, exhaustion, capability, meaningfulness, created_at)
        SELECT gen_random_uuid(), u.id, u.department_id, current_date - d,
               (random() * 6)::int, (random() * 6)::int, (random() * 6)::int, now()
        FROM users u CROSS JOIN generate_series(0, $1 - 1) d
        """,
        days,
    )
    await conn.execute(
        """
        INSERT INTO department_weeks (department_id, week_start, participants, checkins, sum_ee, sum_pa, sum_dp,
            risk_low, risk_moderate, risk_high, at_risk, cbi_respondents, cbi_work_sum, workload_members,
            workload_low, workload_medium, workload_high, workload_critical, updated_at)
        SELECT department_id, date_trunc('week', date)::date, count(DISTINCT user_id), count(*),
               sum(exhaustion), sum(capability), sum(6 - meaningfulness), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, now()
        FROM checkins GROUP BY department_id, date_trunc('week', date)
        """
    )
    await conn.execute("ANALYZE")
    await conn.close()
    return time.perf_counter() - started


async def _p95(url: str, rounds: int) -> dict[str, float]:
    settings = Settings(
        env="test", database_url=url, log_level="WARNING", auth=AuthPolicy(argon2_memory_kib=64, argon2_time_cost=1)
    )
    app = create_app(settings)
    app.state.cache = NoCache(None)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client,
    ):
        email = "admin@bench.example.org"
        body = {"email": email, "password": "a long enough passphrase", "full_name": "Admin"}
        await client.post("/api/v1/auth/register", json=body)
        conn = await asyncpg.connect(_dsn(url))
        await conn.execute("UPDATE users SET role = 'admin' WHERE email = $1", email)
        await conn.close()
        token = (await client.post("/api/v1/auth/login", json={"email": email, "password": body["password"]})).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        samples = []
        for i in range(rounds + 5):
            started = time.perf_counter()
            response = await client.get("/api/v1/analytics/dashboard/overview", headers=headers, params={"weeks": 8})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text
            if i >= 5:
                samples.append(elapsed)
        departments = len(response.json()["departments"])
    await app.state.engine.dispose()
    q = statistics.quantiles(samples, n=100)
    return {"p50_ms": round(q[49], 2), "p95_ms": round(q[94], 2), "departments": departments}


async def run(users: int, days: int, rounds: int) -> dict[str, Any]:
    await _reset(URL)
    migrations_url = URL
    await asyncio.to_thread(migrations.upgrade, migrations_url)
    await _organisation(URL, 500)
    await _history(URL, 7)
    empty = await _p95(URL, rounds)

    await _reset(URL)
    await asyncio.to_thread(migrations.upgrade, migrations_url)
    await _organisation(URL, users)
    load_seconds = await _history(URL, days)
    full = await _p95(URL, rounds)
    return {
        "near_empty": {"users": 500, "days": 7, **empty},
        "full": {
            "users": users,
            "days": days,
            "checkins": users * days,
            "load_seconds": round(load_seconds, 1),
            **full,
        },
        "p95_ratio": round(full["p95_ms"] / empty["p95_ms"], 2),
        "target_ratio": 2.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--output", type=Path, default=Path("bench/out/analytics.json"))
    args = parser.parse_args()
    report = asyncio.run(run(args.users, args.days, args.rounds))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
