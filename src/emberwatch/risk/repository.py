from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.core.pagination import PageParams
from emberwatch.risk.models import RiskModelVersion


async def get(session: AsyncSession, version: str) -> RiskModelVersion | None:
    return await session.get(RiskModelVersion, version)


async def active_version(session: AsyncSession) -> str | None:
    return await session.scalar(select(RiskModelVersion.version).where(RiskModelVersion.is_active.is_(True)))


async def page(session: AsyncSession, params: PageParams) -> tuple[list[RiskModelVersion], int]:
    total = await session.scalar(select(func.count()).select_from(RiskModelVersion))
    rows = await session.scalars(
        select(RiskModelVersion)
        .order_by(RiskModelVersion.created_at.desc(), RiskModelVersion.version)
        .limit(params.limit)
        .offset(params.offset)
    )
    return list(rows), total or 0


async def deactivate_all(session: AsyncSession) -> None:
    await session.execute(
        update(RiskModelVersion)
        .where(RiskModelVersion.is_active.is_(True))
        .values(is_active=False)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
