"""Background work of the workload domain, run by the huey worker: platform sync, analysis, and the reaper
that makes sure no analysis stays `running` after its worker died."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.analytics import service as analytics
from emberwatch.core.config import Settings
from emberwatch.core.crypto import Cipher
from emberwatch.core.db import create_engine, create_sessionmaker, session_scope
from emberwatch.core.jobs import Jobs
from emberwatch.workload import clients, repository
from emberwatch.workload.models import Analysis, MemberResult

log = structlog.get_logger(__name__)
T = TypeVar("T")

ANALYZE = "workload.analyze"
SYNC = "workload.sync"
REAP = "workload.reap"


def register(jobs: Jobs) -> None:
    settings = jobs.settings

    def analyze(analysis_id: str) -> None:
        asyncio.run(_with_database(settings, lambda factory: run_analysis(settings, factory, uuid.UUID(analysis_id))))

    def sync(integration_id: str, start: str, end: str) -> None:
        window = (datetime.fromisoformat(start), datetime.fromisoformat(end))
        asyncio.run(
            _with_database(settings, lambda factory: run_sync(settings, factory, uuid.UUID(integration_id), *window))
        )

    def reap() -> None:
        asyncio.run(_with_database(settings, lambda factory: reap_stuck(settings, factory, jobs)))

    jobs.task(ANALYZE, analyze)
    jobs.task(SYNC, sync)
    jobs.periodic(REAP, reap, every_minutes=settings.jobs.reaper_interval_minutes)


async def _with_database(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    """A job runs in its own event loop with its own engine, disposed when it ends."""
    engine = create_engine(settings)
    try:
        return await work(create_sessionmaker(engine))
    finally:
        await engine.dispose()


def _now() -> datetime:
    return datetime.now(UTC)


async def _fetch(
    settings: Settings, session: AsyncSession, integration_id: uuid.UUID, start: datetime, end: datetime
) -> None:
    """Fetch people and incidents of the window from the platform and upsert them (safe to repeat)."""
    integration = await repository.integration(session, integration_id)
    if integration is None or integration.platform == "import" or integration.token_encrypted is None:
        return
    token = Cipher(settings).decrypt(integration.token_encrypted)
    snapshot = await clients.client_for(integration.platform, token, settings.platforms).snapshot(start, end)
    await repository.store_people(session, integration.id, snapshot.people)
    await repository.store_incidents(session, integration.id, snapshot.incidents)
    integration.last_synced_at = _now()
    integration.last_sync_status = "completed"
    integration.last_sync_error = None
    log.info(
        "workload_synced", integration_id=str(integration.id), people=len(snapshot.people), rows=len(snapshot.incidents)
    )


async def run_sync(settings: Settings, factory: Any, integration_id: uuid.UUID, start: datetime, end: datetime) -> None:
    try:
        async with session_scope(factory) as session:
            await _fetch(settings, session, integration_id, start, end)
    except clients.PlatformError as exc:
        async with session_scope(factory) as session:
            integration = await repository.integration(session, integration_id)
            if integration is not None:
                integration.last_sync_status = "failed"
                integration.last_sync_error = str(exc)[:500]


async def run_analysis(settings: Settings, factory: Any, analysis_id: uuid.UUID) -> None:
    async with session_scope(factory) as session:
        if not await repository.claim(session, analysis_id, _now()):
            return  # already running elsewhere, finished, or deleted
        analysis = await repository.analysis(session, analysis_id)
        assert analysis is not None
        integration_id, end = analysis.integration_id, analysis.window_end
        days, include_weekends = analysis.time_range, analysis.include_weekends
    started = time.perf_counter()
    try:
        if settings.env == "test" and settings.jobs.test_delay_seconds:
            await asyncio.sleep(settings.jobs.test_delay_seconds)  # lets tests kill a worker mid-job
        async with session_scope(factory) as session:
            await _fetch(settings, session, integration_id, end - timedelta(days=days), end)
        async with session_scope(factory) as session:
            data = await _score(settings, session, integration_id, end, days, include_weekends)
            await _complete(session, analysis_id, data)
    except Exception as exc:
        if isinstance(exc, clients.PlatformError):
            message = str(exc)
            log.warning("workload_analysis_failed", analysis_id=str(analysis_id), error=message)
        else:
            message = f"The analysis failed ({type(exc).__name__}); the error is in the worker's log."
            log.exception("workload_analysis_failed", analysis_id=str(analysis_id))
        async with session_scope(factory) as session:
            await repository.finish(
                session, analysis_id, {"status": "failed", "completed_at": _now(), "error_message": message[:1000]}
            )
        return
    log.info(
        "workload_analysis_completed", analysis_id=str(analysis_id), seconds=round(time.perf_counter() - started, 3)
    )


async def _score(
    settings: Settings,
    session: AsyncSession,
    integration_id: uuid.UUID,
    end: datetime,
    days: int,
    include_weekends: bool,
) -> dict[str, Any]:
    import polars as pl

    from emberwatch.workload.scoring import INCIDENT_SCHEMA, PEOPLE_SCHEMA, Window, analyze

    window = Window(end=end, days=days, include_weekends=include_weekends)
    rows = await repository.incidents_between(session, integration_id, window.start, end)
    incidents = pl.DataFrame(rows, schema=list(INCIDENT_SCHEMA.items()), orient="row")
    people = pl.DataFrame(
        await repository.people_of(session, integration_id), schema=list(PEOPLE_SCHEMA.items()), orient="row"
    )
    return analyze(incidents, people, window=window, policy=settings.workload)


async def _complete(session: AsyncSession, analysis_id: uuid.UUID, data: dict[str, Any]) -> None:
    members = data["team_analysis"]["members"]
    users = await repository.users_by_email(session, [m["user_email"] for m in members])
    completed = _now()
    for m in members:
        linked = users.get(m["user_email"])
        m["user_id"] = str(linked) if linked else None
    await repository.finish(
        session, analysis_id, {"status": "completed", "completed_at": completed, "analysis_data": data}
    )
    await repository.store_member_results(
        session,
        [
            MemberResult(
                analysis_id=analysis_id,
                email=m["user_email"],
                user_id=users.get(m["user_email"]),
                completed_at=completed,
                burnout_score=m["burnout_score"],
                risk_level=m["risk_level"],
                result={k: m[k] for k in ("incident_count", "factors", "metrics")},
            )
            for m in members
        ],
    )
    # Workload risk counts of the departments of the people this analysis matched.
    for department_id in await repository.departments_of(session, list(users.values())):
        await analytics.refresh(session, department_id, completed.date())


async def reap_stuck(settings: Settings, factory: Any, jobs: Jobs) -> list[uuid.UUID]:
    """Analyses running past their timeout had a worker die under them: retry them, or fail them for good.
    Analyses pending that long lost their message: enqueue them again (claiming makes a duplicate harmless)."""
    policy = settings.workload
    cutoff = _now() - timedelta(seconds=policy.analysis_timeout_seconds)
    requeue: list[uuid.UUID] = []
    async with session_scope(factory) as session:
        for analysis in await repository.stale(session, "running", cutoff):
            if analysis.attempts < policy.analysis_max_attempts:
                analysis.status = "pending"
                analysis.started_at = None
                requeue.append(analysis.id)
            else:
                _fail_timed_out(analysis, policy.analysis_timeout_seconds)
        requeue.extend(a.id for a in await repository.stale(session, "pending", cutoff))
    for analysis_id in requeue:
        jobs.enqueue(ANALYZE, str(analysis_id))
    if requeue:
        log.warning("workload_analyses_requeued", count=len(requeue))
    return requeue


def _fail_timed_out(analysis: Analysis, seconds: int) -> None:
    analysis.status = "failed"
    analysis.completed_at = _now()
    analysis.error_message = (
        f"The worker stopped while running this analysis; gave up after {analysis.attempts} attempt(s) "
        f"of {seconds} seconds."
    )
