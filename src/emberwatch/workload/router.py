from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Query, Request, Response, UploadFile, status

from emberwatch.auth.dependencies import ActorContext, ManagerUser
from emberwatch.core.crypto import Cipher
from emberwatch.core.dependencies import NowDep, SessionDep, SettingsDep
from emberwatch.core.errors import PayloadTooLarge, responses
from emberwatch.core.jobs import Jobs
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.ratelimit import Limiter
from emberwatch.core.routing import API_PREFIX
from emberwatch.workload import service, tasks
from emberwatch.workload.schemas import (
    AnalysisOut,
    AnalysisRequest,
    AnalysisSummary,
    ImportResult,
    IntegrationCheck,
    IntegrationCreate,
    IntegrationOut,
    SyncQueued,
    SyncRequest,
)

router = APIRouter(prefix=API_PREFIX, tags=["workload"])

# Each analysis pulls from the platform and scores a window: a person needs few of them.
ANALYSIS_RATE = "10/hour"


def _cipher(request: Request) -> Cipher:
    cipher: Cipher = request.app.state.cipher
    return cipher


def _jobs(request: Request) -> Jobs:
    jobs: Jobs = request.app.state.jobs
    return jobs


def _limiter(request: Request) -> Limiter:
    limiter: Limiter = request.app.state.limiter
    return limiter


@router.post("/integrations", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 422))
async def create_integration(
    data: IntegrationCreate, user: ManagerUser, session: SessionDep, request: Request, ctx: ActorContext
) -> IntegrationOut:
    """Connect Rootly or PagerDuty (with an API token, stored encrypted) or make a file-import integration."""
    return service.integration_out(await service.create_integration(session, _cipher(request), user, data, ctx))


@router.get("/integrations", responses=responses(401, 403, 422))
async def list_integrations(user: ManagerUser, session: SessionDep, page: PageDep) -> Page[IntegrationOut]:
    """Your integrations, newest first (tokens are never returned)."""
    items, total = await service.list_integrations(session, user, page)
    return Page(items=items, total=total)


@router.delete(
    "/integrations/{integration_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 403, 404, 422)
)
async def delete_integration(
    integration_id: uuid.UUID, user: ManagerUser, session: SessionDep, ctx: ActorContext
) -> None:
    """Remove an integration with its synced people, incidents and analyses."""
    await service.delete_integration(session, user, integration_id, ctx)


@router.post("/integrations/{integration_id}/test", responses=responses(401, 403, 404, 422))
async def test_integration(
    integration_id: uuid.UUID, user: ManagerUser, session: SessionDep, settings: SettingsDep, request: Request
) -> IntegrationCheck:
    """Check the stored token against the platform."""
    return await service.check_integration(session, _cipher(request), settings.platforms, user, integration_id)


@router.post(
    "/integrations/{integration_id}/sync",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(400, 401, 403, 404, 422),
)
async def sync_integration(
    integration_id: uuid.UUID,
    user: ManagerUser,
    session: SessionDep,
    now: NowDep,
    request: Request,
    background: BackgroundTasks,
    data: SyncRequest | None = None,
) -> SyncQueued:
    """Fetch people and incidents of the last `days` days from the platform, in the background."""
    integration, start, end = await service.prepare_sync(
        session, user, integration_id, (data or SyncRequest()).days, now
    )
    # Enqueued after the response, so after the commit: the worker never looks for a row that is not there yet.
    background.add_task(_jobs(request).enqueue, tasks.SYNC, str(integration.id), start.isoformat(), end.isoformat())
    return SyncQueued(integration_id=integration.id, status="queued", window_start=start, window_end=end)


@router.post(
    "/integrations/{integration_id}/incidents/import",
    status_code=status.HTTP_201_CREATED,
    responses=responses(400, 401, 403, 404, 413, 422),
)
async def import_incidents(
    integration_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="CSV or JSON incidents in the normal form.")],
    user: ManagerUser,
    session: SessionDep,
    settings: SettingsDep,
    ctx: ActorContext,
) -> ImportResult:
    """Upload incidents for an `import` integration; a file with any bad row is refused whole, rows listed by line."""
    content = await file.read(settings.max_upload_bytes + 1)
    if len(content) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"The file is larger than {settings.max_upload_bytes} bytes.")
    return await service.import_file(session, user, integration_id, content, file.filename, file.content_type, ctx)


@router.post("/analyses/run", status_code=status.HTTP_202_ACCEPTED, responses=responses(401, 403, 404, 422, 429))
async def run_analysis(
    data: AnalysisRequest,
    user: ManagerUser,
    session: SessionDep,
    now: NowDep,
    request: Request,
    background: BackgroundTasks,
) -> AnalysisOut:
    """Start a workload analysis of the last `time_range` days; poll `GET /analyses/{id}` for the result."""
    await _limiter(request).check(ANALYSIS_RATE, "analyses-run", str(user.id))
    analysis = await service.request_analysis(session, user, data, now)
    background.add_task(_jobs(request).enqueue, tasks.ANALYZE, str(analysis.id))
    return service.analysis_out(analysis)


@router.get("/analyses", responses=responses(401, 403, 422))
async def list_analyses(
    user: ManagerUser,
    session: SessionDep,
    page: PageDep,
    integration_id: Annotated[uuid.UUID | None, Query()] = None,
) -> Page[AnalysisSummary]:
    """Your analyses, newest first, with their status and team health (the full result is at `/analyses/{id}`)."""
    items, total = await service.list_analyses(session, user, page, integration_id)
    return Page(items=items, total=total)


@router.get("/analyses/{analysis_id}", responses=responses(401, 403, 404, 422))
async def get_analysis(analysis_id: uuid.UUID, user: ManagerUser, session: SessionDep) -> AnalysisOut:
    """One analysis; `analysis_data` holds the seed's document once the status is `completed`."""
    return service.analysis_out(await service.owned_analysis(session, user, analysis_id))


@router.delete(
    "/analyses/{analysis_id}", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 403, 404, 422)
)
async def delete_analysis(analysis_id: uuid.UUID, user: ManagerUser, session: SessionDep) -> Response:
    """Remove an analysis and its per-member results."""
    await service.delete_analysis(session, user, analysis_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
