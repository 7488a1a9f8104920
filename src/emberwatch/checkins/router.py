from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response, status

from emberwatch.auth.dependencies import CurrentUser
from emberwatch.checkins import service
from emberwatch.checkins.schemas import CheckInCreate, CheckInOut, Dashboard, PredictionRecordOut
from emberwatch.core.dependencies import NowDep, SessionDep
from emberwatch.core.errors import responses
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.routing import API_PREFIX
from emberwatch.risk.dependencies import PredictorDep

router = APIRouter(prefix=API_PREFIX, tags=["check-ins"])

From = Annotated[date | None, Query(alias="from", description="First day, inclusive (YYYY-MM-DD).")]
To = Annotated[date | None, Query(alias="to", description="Last day, inclusive (YYYY-MM-DD).")]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="Retrying with the same key returns the first response instead of a conflict.",
    ),
]


@router.post("/assessments", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 409, 422))
async def submit_assessment(
    data: CheckInCreate,
    user: CurrentUser,
    session: SessionDep,
    model: PredictorDep,
    now: NowDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> CheckInOut:
    """Today's three-tap check-in (0–6 each); the answer carries the risk estimate for the last 7 days."""
    result = await service.submit(session, user, data, model, now, idempotency_key)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return result.checkin


@router.get("/assessments", responses=responses(400, 401, 422))
async def list_assessments(
    user: CurrentUser, session: SessionDep, page: PageDep, first: From = None, last: To = None
) -> Page[CheckInOut]:
    """Your check-ins, newest first, each with the estimate made when it arrived."""
    items, total = await service.history(session, user, page, first, last)
    return Page(items=items, total=total)


@router.get("/dashboard", responses=responses(401))
async def dashboard(user: CurrentUser, session: SessionDep, now: NowDep) -> Dashboard:
    """Your 7-day means, the last 30 days, streak, latest estimate and the 14-day trend."""
    return await service.dashboard(session, user, now)


@router.get("/predictions", responses=responses(400, 401, 422))
async def list_predictions(
    user: CurrentUser, session: SessionDep, page: PageDep, first: From = None, last: To = None
) -> Page[PredictionRecordOut]:
    """Your risk estimates, newest first."""
    items, total = await service.predictions(session, user, page, first, last)
    return Page(items=items, total=total)
