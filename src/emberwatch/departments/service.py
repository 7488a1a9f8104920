"""Departments form a tree; managers of a department see aggregates of it and of everything below it."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.audit import service as audit
from emberwatch.core.context import RequestContext
from emberwatch.core.pagination import PageParams
from emberwatch.departments import repository
from emberwatch.departments.exceptions import (
    DepartmentCycle,
    DepartmentNameTaken,
    DepartmentNotFound,
    InvalidManager,
    UnknownDepartment,
)
from emberwatch.departments.models import Department
from emberwatch.departments.schemas import DepartmentCreate, DepartmentOut, DepartmentUpdate

# Deeper trees than this are a data error, and the bound keeps the cycle check finite.
MAX_DEPTH = 32


async def get(session: AsyncSession, department_id: uuid.UUID) -> DepartmentOut:
    department = await repository.get(session, department_id)
    if department is None:
        raise DepartmentNotFound("No such department.")
    return await _out(session, department)


async def ensure_exists(session: AsyncSession, department_id: uuid.UUID) -> None:
    if await repository.get(session, department_id) is None:
        raise UnknownDepartment(f"Department {department_id} does not exist.")


async def list_page(session: AsyncSession, params: PageParams) -> tuple[list[DepartmentOut], int]:
    rows, total = await repository.page(session, params)
    managers = await repository.managers_of(session, [d.id for d in rows])
    return [_to_out(d, managers.get(d.id, [])) for d in rows], total


async def create(session: AsyncSession, data: DepartmentCreate, ctx: RequestContext) -> DepartmentOut:
    if data.parent_id is not None:
        await ensure_exists(session, data.parent_id)
    await _check_managers(session, data.manager_ids)
    department = Department(name=data.name, parent_id=data.parent_id)
    session.add(department)
    await _flush_unique_name(session)
    await repository.replace_managers(session, department.id, data.manager_ids)
    await audit.record(
        session,
        ctx,
        "department.created",
        target_type="department",
        target_id=department.id,
        name=department.name,
    )
    return await _out(session, department)


async def update(
    session: AsyncSession, department_id: uuid.UUID, data: DepartmentUpdate, ctx: RequestContext
) -> DepartmentOut:
    department = await repository.get(session, department_id)
    if department is None:
        raise DepartmentNotFound("No such department.")
    fields = data.model_fields_set
    if "name" in fields and data.name is not None:
        department.name = data.name
    if "parent_id" in fields and data.parent_id != department.parent_id:
        if data.parent_id is not None:
            await ensure_exists(session, data.parent_id)
            await _refuse_cycle(session, department.id, data.parent_id)
        department.parent_id = data.parent_id
    await _flush_unique_name(session)
    if data.manager_ids is not None:
        await _check_managers(session, data.manager_ids)
        await repository.replace_managers(session, department.id, data.manager_ids)
    await audit.record(
        session,
        ctx,
        "department.updated",
        target_type="department",
        target_id=department.id,
        changed=sorted(fields),
    )
    return await _out(session, department)


async def remove_manager_everywhere(session: AsyncSession, user_id: uuid.UUID) -> None:
    await repository.remove_manager_everywhere(session, user_id)


async def _refuse_cycle(session: AsyncSession, department_id: uuid.UUID, new_parent: uuid.UUID) -> None:
    current: uuid.UUID | None = new_parent
    for _ in range(MAX_DEPTH):
        if current is None:
            return
        if current == department_id:
            raise DepartmentCycle("A department cannot be placed under itself or one of its sub-departments.")
        current = await repository.parent_of(session, current)
    raise DepartmentCycle(f"Departments may be nested at most {MAX_DEPTH} levels deep.")


async def _check_managers(session: AsyncSession, manager_ids: list[uuid.UUID]) -> None:
    from emberwatch.users import service as users  # users depend on departments; the reverse is this one call

    wanted = set(manager_ids)
    found = {u.id: u for u in await users.get_many(session, list(wanted))}
    missing = wanted - found.keys()
    if missing:
        raise InvalidManager(f"Unknown user(s): {', '.join(sorted(map(str, missing)))}.")
    members = [str(uid) for uid, user in found.items() if user.role not in ("manager", "admin")]
    if members:
        raise InvalidManager(f"Only managers or admins can manage a department: {', '.join(sorted(members))}.")


async def _flush_unique_name(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise DepartmentNameTaken("A department with this name already exists.") from exc


async def _out(session: AsyncSession, department: Department) -> DepartmentOut:
    managers = await repository.managers_of(session, [department.id])
    return _to_out(department, managers.get(department.id, []))


def _to_out(department: Department, manager_ids: list[uuid.UUID]) -> DepartmentOut:
    return DepartmentOut(
        id=department.id, name=department.name, parent_id=department.parent_id, manager_ids=manager_ids
    )
