from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.core.pagination import PageParams
from emberwatch.departments.models import Department, DepartmentManager


async def get(session: AsyncSession, department_id: uuid.UUID) -> Department | None:
    return await session.get(Department, department_id)


async def page(session: AsyncSession, params: PageParams) -> tuple[list[Department], int]:
    total = await session.scalar(select(func.count()).select_from(Department))
    rows = await session.scalars(select(Department).order_by(Department.name).limit(params.limit).offset(params.offset))
    return list(rows), total or 0


async def parent_of(session: AsyncSession, department_id: uuid.UUID) -> uuid.UUID | None:
    return await session.scalar(select(Department.parent_id).where(Department.id == department_id))


async def managers_of(session: AsyncSession, department_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if department_ids:
        rows = await session.execute(
            select(DepartmentManager.department_id, DepartmentManager.user_id)
            .where(DepartmentManager.department_id.in_(department_ids))
            .order_by(DepartmentManager.user_id)
        )
        for department_id, user_id in rows:
            found[department_id].append(user_id)
    return found


async def replace_managers(session: AsyncSession, department_id: uuid.UUID, user_ids: Sequence[uuid.UUID]) -> None:
    await session.execute(delete(DepartmentManager).where(DepartmentManager.department_id == department_id))
    session.add_all(DepartmentManager(department_id=department_id, user_id=uid) for uid in dict.fromkeys(user_ids))
    await session.flush()


async def remove_manager_everywhere(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(DepartmentManager).where(DepartmentManager.user_id == user_id))
