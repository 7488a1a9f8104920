"""The shared Redis client, when `EMBERWATCH_REDIS_URL` is set. Short timeouts: Redis is a cache, never a reason
for a request to hang."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    return Redis.from_url(
        url, socket_timeout=0.5, socket_connect_timeout=0.5, health_check_interval=30, decode_responses=False
    )
