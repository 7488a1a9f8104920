"""Rate limits with `limits` (moving window): Redis-backed when configured, in memory otherwise.

A Redis failure never turns into an error for the caller: the limiter falls back to its in-memory storage and
logs a warning, so limits keep applying per process until Redis is back.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from emberwatch.core.errors import RateLimited

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int


class Limiter:
    def __init__(self, redis_url: str | None) -> None:
        self._memory = MovingWindowRateLimiter(MemoryStorage())
        self._redis: MovingWindowRateLimiter | None = None
        if redis_url:
            storage: Storage = RedisStorage(f"async+{redis_url}", implementation="redispy", wrap_exceptions=True)
            self._redis = MovingWindowRateLimiter(storage)

    async def hit(self, rule: str, *key: str) -> Decision:
        item = parse(rule)
        for limiter in (self._redis, self._memory):
            if limiter is None:
                continue
            try:
                return await _decide(limiter, item, key)
            except Exception as exc:  # the storage is down: fall back, never fail the request
                log.warning("rate_limit_storage_failed", error=type(exc).__name__)
        return Decision(True, item.amount, item.amount, 0)

    async def check(self, rule: str, *key: str) -> Decision:
        """Count one hit; raise 429 with `Retry-After` and `RateLimit` headers when over the limit."""
        decision = await self.hit(rule, *key)
        if not decision.allowed:
            raise RateLimited(
                f"Too many requests; try again in {decision.reset_seconds} s.",
                headers={
                    "Retry-After": str(decision.reset_seconds),
                    "RateLimit": f'"{rule}";r=0;t={decision.reset_seconds}',
                    "RateLimit-Policy": f'"{rule}";q={decision.limit};w={int(parse(rule).get_expiry())}',
                },
            )
        return decision


async def _decide(limiter: MovingWindowRateLimiter, item: RateLimitItem, key: tuple[str, ...]) -> Decision:
    allowed = await limiter.hit(item, *key)
    stats = await limiter.get_window_stats(item, *key)
    reset = max(1, math.ceil(stats.reset_time - time.time()))
    return Decision(allowed, item.amount, stats.remaining, reset)
