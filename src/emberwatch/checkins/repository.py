from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.checkins.models import CheckIn, Prediction
from emberwatch.core.pagination import PageParams


async def by_idempotency_key(
    session: AsyncSession, user_id: uuid.UUID, key: str
) -> tuple[CheckIn, Prediction | None] | None:
    row = (
        await session.execute(
            select(CheckIn, Prediction)
            .outerjoin(Prediction, Prediction.checkin_id == CheckIn.id)
            .where(CheckIn.user_id == user_id, CheckIn.idempotency_key == key)
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


async def exists_on(session: AsyncSession, user_id: uuid.UUID, day: date) -> bool:
    found = await session.scalar(select(CheckIn.id).where(CheckIn.user_id == user_id, CheckIn.date == day))
    return found is not None


async def between(session: AsyncSession, user_id: uuid.UUID, first: date, last: date) -> list[CheckIn]:
    rows = await session.scalars(
        select(CheckIn).where(CheckIn.user_id == user_id, CheckIn.date >= first, CheckIn.date <= last)
    )
    return list(rows)


async def with_predictions_between(
    session: AsyncSession, user_id: uuid.UUID, first: date, last: date
) -> list[tuple[CheckIn, Prediction | None]]:
    rows = await session.execute(
        select(CheckIn, Prediction)
        .outerjoin(Prediction, Prediction.checkin_id == CheckIn.id)
        .where(CheckIn.user_id == user_id, CheckIn.date >= first, CheckIn.date <= last)
        .order_by(CheckIn.date)
    )
    return [(c, p) for c, p in rows]


async def dates_since(session: AsyncSession, user_id: uuid.UUID, first: date) -> list[date]:
    rows = await session.scalars(
        select(CheckIn.date).where(CheckIn.user_id == user_id, CheckIn.date >= first).order_by(CheckIn.date.desc())
    )
    return list(rows)


async def latest_prediction(session: AsyncSession, user_id: uuid.UUID) -> Prediction | None:
    return await session.scalar(
        select(Prediction)
        .where(Prediction.user_id == user_id)
        .order_by(Prediction.date.desc(), Prediction.created_at.desc())
        .limit(1)
    )


async def history(
    session: AsyncSession, user_id: uuid.UUID, page: PageParams, first: date | None, last: date | None
) -> tuple[list[tuple[CheckIn, Prediction | None]], int]:
    conditions = [CheckIn.user_id == user_id]
    if first is not None:
        conditions.append(CheckIn.date >= first)
    if last is not None:
        conditions.append(CheckIn.date <= last)
    total = await session.scalar(select(func.count()).select_from(CheckIn).where(*conditions))
    rows = await session.execute(
        select(CheckIn, Prediction)
        .outerjoin(Prediction, Prediction.checkin_id == CheckIn.id)
        .where(*conditions)
        .order_by(CheckIn.date.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return [(c, p) for c, p in rows], total or 0


async def predictions(
    session: AsyncSession, user_id: uuid.UUID, page: PageParams, first: date | None, last: date | None
) -> tuple[list[Prediction], int]:
    conditions = [Prediction.user_id == user_id]
    if first is not None:
        conditions.append(Prediction.date >= first)
    if last is not None:
        conditions.append(Prediction.date <= last)
    total = await session.scalar(select(func.count()).select_from(Prediction).where(*conditions))
    rows = await session.scalars(
        select(Prediction).where(*conditions).order_by(Prediction.date.desc()).limit(page.limit).offset(page.offset)
    )
    return list(rows), total or 0
