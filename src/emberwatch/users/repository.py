from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.core.pagination import PageParams
from emberwatch.users.models import User


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def get_many(session: AsyncSession, user_ids: Sequence[uuid.UUID]) -> list[User]:
    if not user_ids:
        return []
    return list(await session.scalars(select(User).where(User.id.in_(user_ids))))


async def count_active_admins(session: AsyncSession) -> int:
    return (await session.scalar(select(func.count()).where(User.role == "admin", User.is_active.is_(True)))) or 0


async def search(
    session: AsyncSession,
    page: PageParams,
    *,
    department_id: uuid.UUID | None,
    role: str | None,
    is_active: bool | None,
) -> tuple[list[User], int]:
    query = select(User)
    if department_id is not None:
        query = query.where(User.department_id == department_id)
    if role is not None:
        query = query.where(User.role == role)
    if is_active is not None:
        query = query.where(User.is_active.is_(is_active))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(User.created_at, User.id).limit(page.limit).offset(page.offset))
    return list(rows), total or 0
