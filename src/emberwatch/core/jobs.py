"""The background job queue: huey, on SQLite by default and on Redis when `EMBERWATCH_REDIS_URL` is set.

Domains register their tasks (`<domain>.<verb>`, taking ids and plain values, safe to run twice) through
`emberwatch.worker.create_jobs`; the API enqueues them after its transaction commits, the worker runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from emberwatch.core.config import Settings


def build_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey("emberwatch", url=settings.redis_url, immediate=settings.jobs.immediate, utc=True)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(
        "emberwatch",
        filename=str(settings.data_dir / "jobs.sqlite3"),
        immediate=settings.jobs.immediate,
        utc=True,
    )


class Jobs:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.huey = build_huey(settings)
        self._tasks: dict[str, Any] = {}

    def task(self, name: str, fn: Callable[..., None], *, retries: int = 0, retry_delay: int = 0) -> None:
        self._tasks[name] = self.huey.task(name=name, retries=retries, retry_delay=retry_delay)(fn)

    def periodic(self, name: str, fn: Callable[[], None], *, every_minutes: int) -> None:
        schedule = crontab(minute=f"*/{every_minutes}")
        self._tasks[name] = self.huey.periodic_task(schedule, name=name)(fn)

    def enqueue(self, name: str, *args: Any) -> None:
        self._tasks[name](*args)

    def run_now(self, name: str, *args: Any) -> None:
        """Call a task's function in this thread (the CLI and tests use it for periodic work)."""
        self._tasks[name].call_local(*args)

    @property
    def names(self) -> list[str]:
        return sorted(self._tasks)
