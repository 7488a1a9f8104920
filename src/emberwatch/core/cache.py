"""A small JSON cache: Redis when configured, process memory otherwise. A Redis failure degrades to the memory
cache (and a warning), never to an error for the caller."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from typing import Any

import structlog
from redis.asyncio import Redis

log = structlog.get_logger(__name__)


class Cache:
    def __init__(self, redis: Redis | None, *, max_entries: int = 2048) -> None:
        self._redis = redis
        self._memory: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._max = max_entries
        self.hits = 0
        self.misses = 0

    async def get(self, key: str) -> Any | None:
        raw: str | bytes | None = None
        if self._redis is not None:
            try:
                raw = await self._redis.get(key)
            except Exception as exc:  # Redis down: use what this process has
                log.warning("cache_unavailable", error=type(exc).__name__)
                raw = self._memory_get(key)
        else:
            raw = self._memory_get(key)
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(raw)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        raw = json.dumps(value, default=str)
        if self._redis is not None:
            try:
                await self._redis.set(key, raw, ex=ttl_seconds)
                return
            except Exception as exc:
                log.warning("cache_unavailable", error=type(exc).__name__)
        self._memory[key] = (time.monotonic() + ttl_seconds, raw)
        self._memory.move_to_end(key)
        while len(self._memory) > self._max:
            self._memory.popitem(last=False)

    def _memory_get(self, key: str) -> str | None:
        entry = self._memory.get(key)
        if entry is None:
            return None
        expires, raw = entry
        if expires < time.monotonic():
            del self._memory[key]
            return None
        return raw
