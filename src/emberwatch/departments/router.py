from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from emberwatch.auth.dependencies import ActorContext, AdminUser, CurrentUser
from emberwatch.core.dependencies import SessionDep
from emberwatch.core.errors import responses
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.routing import API_PREFIX
from emberwatch.departments import service
from emberwatch.departments.schemas import DepartmentCreate, DepartmentOut, DepartmentUpdate

router = APIRouter(prefix=f"{API_PREFIX}/departments", tags=["departments"])


@router.get("", responses=responses(401, 422))
async def list_departments(_: CurrentUser, session: SessionDep, page: PageDep) -> Page[DepartmentOut]:
    """Every department, by name, with its parent and managers."""
    items, total = await service.list_page(session, page)
    return Page(items=items, total=total)


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 409, 422))
async def create_department(
    data: DepartmentCreate, _: AdminUser, session: SessionDep, ctx: ActorContext
) -> DepartmentOut:
    """Create a department, optionally under a parent and with managers (admin)."""
    return await service.create(session, data, ctx)


@router.patch("/{department_id}", responses=responses(400, 401, 403, 404, 409, 422))
async def update_department(
    department_id: uuid.UUID, data: DepartmentUpdate, _: AdminUser, session: SessionDep, ctx: ActorContext
) -> DepartmentOut:
    """Rename, move or change the managers of a department (admin)."""
    return await service.update(session, department_id, data, ctx)
