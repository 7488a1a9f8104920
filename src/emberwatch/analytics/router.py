from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from emberwatch.analytics import service
from emberwatch.auth.dependencies import CurrentUser, ManagerUser
from emberwatch.core.cache import Cache
from emberwatch.core.dependencies import NowDep, SessionDep, SettingsDep
from emberwatch.core.errors import responses
from emberwatch.core.routing import API_PREFIX

router = APIRouter(prefix=API_PREFIX, tags=["analytics"])


def _cache(request: Request) -> Cache:
    cache: Cache = request.app.state.cache
    return cache


@router.get("/analytics/dashboard/overview", response_class=JSONResponse, responses=responses(401, 403, 422))
async def overview(
    user: ManagerUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    request: Request,
    weeks: Annotated[int, Query(ge=1, le=52)] = 8,
) -> JSONResponse:
    """Your departments (all, for admins) week by week; groups under the privacy threshold are withheld."""
    # Plain JSON: the document is already JSON-shaped, and re-encoding thousands of cells field by field is slow.
    body = await service.overview(session, _cache(request), user, now.date(), weeks, settings.privacy_min_group_size)
    return JSONResponse(body)


@router.get("/departments/{department_id}/health", response_class=JSONResponse, responses=responses(401, 403, 404, 422))
async def department_health(
    department_id: uuid.UUID,
    user: ManagerUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    request: Request,
    weeks: Annotated[int, Query(ge=1, le=104)] = 12,
) -> JSONResponse:
    """One department and everything below it, week by week, under the privacy rule."""
    return JSONResponse(
        await service.department_health(
            session, _cache(request), user, department_id, now.date(), weeks, settings.privacy_min_group_size
        )
    )


@router.get("/analytics/user/{user_id}/summary", responses=responses(401, 404, 422))
async def user_summary(user_id: uuid.UUID, user: CurrentUser, session: SessionDep, now: NowDep) -> dict[str, Any]:
    """Your own picture in one document: check-ins, risk by week, questionnaires, workload (self only)."""
    return await service.user_summary(session, user, user_id, now)
