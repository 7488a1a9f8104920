"""Integrations, imports and analysis requests (the API side). The heavy work — platform sync and scoring — runs
in `tasks.py` on a worker; this module never imports polars."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.audit import service as audit
from emberwatch.core.config import PlatformSettings
from emberwatch.core.context import RequestContext
from emberwatch.core.crypto import Cipher
from emberwatch.core.pagination import PageParams
from emberwatch.users.models import User
from emberwatch.workload import clients, importing, repository
from emberwatch.workload.exceptions import (
    AnalysisNotFound,
    ImportRejected,
    IntegrationNotFound,
    TokenRequired,
    WrongPlatform,
)
from emberwatch.workload.models import Analysis, Integration
from emberwatch.workload.schemas import (
    AnalysisOut,
    AnalysisRequest,
    AnalysisSummary,
    ImportResult,
    IntegrationCheck,
    IntegrationCreate,
    IntegrationOut,
    OwnWorkload,
)


def integration_out(i: Integration) -> IntegrationOut:
    return IntegrationOut(
        id=i.id,
        platform=i.platform,
        name=i.name,
        created_at=i.created_at,
        has_token=i.token_encrypted is not None,
        last_synced_at=i.last_synced_at,
        last_sync_status=i.last_sync_status,
        last_sync_error=i.last_sync_error,
    )


async def owned_integration(session: AsyncSession, owner: User, integration_id: uuid.UUID) -> Integration:
    """Users only ever see their own integrations; anyone else's is a 404."""
    found = await repository.integration(session, integration_id)
    if found is None or found.owner_id != owner.id:
        raise IntegrationNotFound("No such integration.")
    return found


async def create_integration(
    session: AsyncSession, cipher: Cipher, owner: User, data: IntegrationCreate, ctx: RequestContext
) -> Integration:
    token = data.api_token.get_secret_value() if data.api_token else None
    if data.platform == "import" and token:
        raise WrongPlatform("Import integrations take files, not an API token.")
    if data.platform != "import" and not token:
        raise TokenRequired(f"A {data.platform} integration needs an api_token.")
    integration = Integration(
        owner_id=owner.id,
        platform=data.platform,
        name=data.name,
        token_encrypted=cipher.encrypt(token) if token else None,
    )
    session.add(integration)
    await session.flush()
    await audit.record(
        session, ctx, "integration.created", target_type="integration", target_id=integration.id, platform=data.platform
    )
    return integration


async def list_integrations(session: AsyncSession, owner: User, page: PageParams) -> tuple[list[IntegrationOut], int]:
    rows, total = await repository.integrations_of(session, owner.id, page)
    return [integration_out(r) for r in rows], total


async def delete_integration(
    session: AsyncSession, owner: User, integration_id: uuid.UUID, ctx: RequestContext
) -> None:
    integration = await owned_integration(session, owner, integration_id)
    await repository.delete_integration(session, integration.id)
    await audit.record(session, ctx, "integration.deleted", target_type="integration", target_id=integration.id)


async def check_integration(
    session: AsyncSession, cipher: Cipher, platforms: PlatformSettings, owner: User, integration_id: uuid.UUID
) -> IntegrationCheck:
    integration = await owned_integration(session, owner, integration_id)
    if integration.platform == "import" or integration.token_encrypted is None:
        return IntegrationCheck(ok=True, detail="File imports need no connection check.")
    client = clients.client_for(integration.platform, cipher.decrypt(integration.token_encrypted), platforms)
    try:
        await client.check()
    except clients.PlatformError as exc:
        return IntegrationCheck(ok=False, detail=str(exc))
    return IntegrationCheck(ok=True, detail=f"{integration.platform} accepted the token.")


async def prepare_sync(
    session: AsyncSession, owner: User, integration_id: uuid.UUID, days: int, now: datetime
) -> tuple[Integration, datetime, datetime]:
    integration = await owned_integration(session, owner, integration_id)
    if integration.platform == "import":
        raise WrongPlatform("Import integrations are filled by uploading files; there is nothing to sync.")
    integration.last_sync_status = "queued"
    integration.last_sync_error = None
    await session.flush()
    return integration, now - timedelta(days=days), now


async def import_file(
    session: AsyncSession,
    owner: User,
    integration_id: uuid.UUID,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    ctx: RequestContext,
) -> ImportResult:
    """All rows or none: a file with any bad row is refused with every problem listed by line."""
    integration = await owned_integration(session, owner, integration_id)
    if integration.platform != "import":
        raise WrongPlatform("Only 'import' integrations take file uploads; the others sync from their platform.")
    try:
        parsed = importing.parse(content, filename, content_type)
    except importing.ImportRejected as exc:
        rows = [{"line": p.line, "message": p.message} for p in exc.problems[:200]]
        raise ImportRejected(
            f"{len(exc.problems)} problem(s) in the file; nothing was imported.", extra={"rows": rows}
        ) from exc
    await repository.store_people(session, integration.id, parsed.people)
    await repository.store_incidents(session, integration.id, parsed.incidents)
    await audit.record(
        session,
        ctx,
        "integration.imported",
        target_type="integration",
        target_id=integration.id,
        rows=len(parsed.incidents),
    )
    return ImportResult(
        rows=len(parsed.incidents),
        incidents=len({i.external_id for i in parsed.incidents}),
        people=len(parsed.people),
    )


async def request_analysis(session: AsyncSession, owner: User, data: AnalysisRequest, now: datetime) -> Analysis:
    integration = await owned_integration(session, owner, data.integration_id)
    analysis = Analysis(
        integration_id=integration.id,
        owner_id=owner.id,
        status="pending",
        time_range=data.time_range,
        include_weekends=data.include_weekends,
        window_end=now,
        created_at=now,
    )
    session.add(analysis)
    await session.flush()
    return analysis


async def owned_analysis(session: AsyncSession, owner: User, analysis_id: uuid.UUID) -> Analysis:
    found = await repository.analysis(session, analysis_id)
    if found is None or found.owner_id != owner.id:
        raise AnalysisNotFound("No such analysis.")
    return found


def analysis_out(a: Analysis) -> AnalysisOut:
    return AnalysisOut(**analysis_summary(a).model_dump(), analysis_data=a.analysis_data)


def analysis_summary(a: Analysis) -> AnalysisSummary:
    return AnalysisSummary(
        id=a.id,
        integration_id=a.integration_id,
        status=a.status,
        created_at=a.created_at,
        started_at=a.started_at,
        completed_at=a.completed_at,
        time_range=a.time_range,
        include_weekends=a.include_weekends,
        error_message=a.error_message,
        team_health=(a.analysis_data or {}).get("team_health"),
    )


async def list_analyses(
    session: AsyncSession, owner: User, page: PageParams, integration_id: uuid.UUID | None
) -> tuple[list[AnalysisSummary], int]:
    rows, total = await repository.analyses_of(session, owner.id, page, integration_id)
    return [analysis_summary(r) for r in rows], total


async def delete_analysis(session: AsyncSession, owner: User, analysis_id: uuid.UUID) -> None:
    analysis = await owned_analysis(session, owner, analysis_id)
    await repository.delete_analysis(session, analysis.id)


async def own_latest(session: AsyncSession, user: User) -> OwnWorkload | None:
    """A person's own latest workload result (matched by email when the analysis ran)."""
    found = await repository.latest_result_for(session, user.id)
    if found is None:
        return None
    result = found.result
    return OwnWorkload(
        analysis_id=found.analysis_id,
        completed_at=found.completed_at,
        burnout_score=found.burnout_score,
        risk_level=found.risk_level,
        incident_count=result.get("incident_count", 0),
        factors=result.get("factors", {}),
        metrics=result.get("metrics", {}),
    )
