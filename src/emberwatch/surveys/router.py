from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from emberwatch.auth.dependencies import CurrentUser
from emberwatch.core.dependencies import NowDep, SessionDep
from emberwatch.core.errors import responses
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.routing import API_PREFIX
from emberwatch.surveys import service
from emberwatch.surveys.instruments import InstrumentName
from emberwatch.surveys.schemas import BurnoutTrend, InstrumentOut, ResponseCreate, ResponseOut

router = APIRouter(prefix=f"{API_PREFIX}/surveys", tags=["surveys"])


@router.get("/instruments", responses=responses(401))
async def list_instruments(_: CurrentUser) -> list[InstrumentOut]:
    """The questionnaires (CBI personal and work, WHO-5, PSS-10) with their items and answer scales."""
    return service.instruments()


@router.post("/responses", status_code=status.HTTP_201_CREATED, responses=responses(401, 422))
async def submit_response(data: ResponseCreate, user: CurrentUser, session: SessionDep, now: NowDep) -> ResponseOut:
    """Answer a questionnaire: every item, on its scale; the answer carries the score and band."""
    return ResponseOut.model_validate(await service.submit(session, user, data, now))


@router.get("/responses", responses=responses(401, 422))
async def list_responses(
    user: CurrentUser,
    session: SessionDep,
    page: PageDep,
    instrument: Annotated[InstrumentName | None, Query()] = None,
) -> Page[ResponseOut]:
    """Your questionnaire responses, newest first."""
    rows, total = await service.list_own(session, user, page, instrument)
    return Page(items=[ResponseOut.model_validate(r) for r in rows], total=total)


@router.get("/responses/user/{user_id}/burnout-trend", responses=responses(401, 404, 422))
async def burnout_trend(user_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> BurnoutTrend:
    """Your Copenhagen Burnout Inventory scores over time (only your own: anyone else's is a 404)."""
    return await service.burnout_trend(session, user, user_id)
