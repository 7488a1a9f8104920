"""Questionnaire responses: scored on arrival, private to their author."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.analytics import service as analytics
from emberwatch.core.errors import NotFound
from emberwatch.core.pagination import PageParams
from emberwatch.surveys.instruments import INSTRUMENTS
from emberwatch.surveys.models import SurveyResponse
from emberwatch.surveys.schemas import (
    BurnoutTrend,
    InstrumentOut,
    ItemOut,
    ResponseCreate,
    ScaleOption,
    TrendPoint,
)
from emberwatch.users.models import User

BURNOUT_INSTRUMENTS = tuple(name for name, i in INSTRUMENTS.items() if i.burnout)


def instruments() -> list[InstrumentOut]:
    return [
        InstrumentOut(
            name=i.name,
            title=i.title,
            instructions=i.instructions,
            items=[
                ItemOut(
                    number=n,
                    text=item.text,
                    reversed=item.reversed,
                    scale=[ScaleOption(value=v, label=label) for v, label in item.scale.items()],
                )
                for n, item in enumerate(i.items, start=1)
            ],
            score_range=i.score_range,
            higher_is_worse=i.higher_is_worse,
            burnout=i.burnout,
            source=i.source,
        )
        for i in INSTRUMENTS.values()
    ]


async def submit(session: AsyncSession, user: User, data: ResponseCreate, now: datetime) -> SurveyResponse:
    result = INSTRUMENTS[data.instrument].score(data.answers)
    response = SurveyResponse(
        user_id=user.id,
        department_id=user.department_id,
        instrument=data.instrument,
        date=now.astimezone(ZoneInfo(user.timezone)).date(),
        answers=data.answers,
        score=result.score,
        band=result.band,
        detail=dict(result.detail),
        created_at=now,
    )
    session.add(response)
    await session.flush()
    await analytics.refresh(session, response.department_id, response.date)
    return response


async def list_own(
    session: AsyncSession, user: User, page: PageParams, instrument: str | None
) -> tuple[list[SurveyResponse], int]:
    conditions = [SurveyResponse.user_id == user.id]
    if instrument:
        conditions.append(SurveyResponse.instrument == instrument)
    total = await session.scalar(select(func.count()).select_from(SurveyResponse).where(*conditions))
    rows = await session.scalars(
        select(SurveyResponse)
        .where(*conditions)
        .order_by(SurveyResponse.created_at.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def burnout_trend(session: AsyncSession, caller: User, user_id: uuid.UUID) -> BurnoutTrend:
    """Self only: anyone asking for another person's trend is told it does not exist."""
    if user_id != caller.id:
        raise NotFound("No such user.")
    rows = await session.scalars(
        select(SurveyResponse)
        .where(SurveyResponse.user_id == caller.id, SurveyResponse.instrument.in_(BURNOUT_INSTRUMENTS))
        .order_by(SurveyResponse.created_at)
    )
    points = [
        TrendPoint(date=r.date, created_at=r.created_at, instrument=r.instrument, score=r.score, band=r.band)
        for r in rows
    ]
    latest = {p.instrument: p for p in points}
    first: dict[str, TrendPoint] = {}
    for p in points:
        first.setdefault(p.instrument, p)
    change = {name: round(latest[name].score - first[name].score, 2) for name in latest}
    return BurnoutTrend(user_id=caller.id, points=points, latest=latest, change=change)


async def latest_by_instrument(session: AsyncSession, user: User) -> dict[str, dict[str, object]]:
    rows = await session.scalars(
        select(SurveyResponse).where(SurveyResponse.user_id == user.id).order_by(SurveyResponse.created_at)
    )
    return {r.instrument: {"date": r.date.isoformat(), "score": r.score, "band": r.band} for r in rows}
