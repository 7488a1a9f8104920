from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from emberwatch.auth.dependencies import ActorContext, AdminUser, AuthKitDep
from emberwatch.core.dependencies import SessionDep
from emberwatch.core.errors import responses
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.routing import API_PREFIX
from emberwatch.users import service
from emberwatch.users.models import Role
from emberwatch.users.schemas import UserCreate, UserOut, UserUpdate

router = APIRouter(prefix=f"{API_PREFIX}/users", tags=["users"])


@router.get("", responses=responses(401, 403, 422))
async def list_users(
    _: AdminUser,
    session: SessionDep,
    page: PageDep,
    department_id: Annotated[uuid.UUID | None, Query()] = None,
    role: Annotated[Role | None, Query()] = None,
    is_active: Annotated[bool | None, Query()] = None,
) -> Page[UserOut]:
    """All accounts, oldest first, filtered by department, role or active flag (admin)."""
    rows, total = await service.search(session, page, department_id=department_id, role=role, is_active=is_active)
    return Page(items=[UserOut.model_validate(u) for u in rows], total=total)


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(400, 401, 403, 409, 422))
async def create_user(
    data: UserCreate, _: AdminUser, session: SessionDep, ctx: ActorContext, kit: AuthKitDep
) -> UserOut:
    """Create an account with any role (admin)."""
    user = await service.create(session, kit.hasher, data, ctx, action="user.created")
    return UserOut.model_validate(user)


@router.get("/{user_id}", responses=responses(401, 403, 404, 422))
async def get_user(user_id: uuid.UUID, _: AdminUser, session: SessionDep) -> UserOut:
    """One account (admin)."""
    return UserOut.model_validate(await service.get(session, user_id))


@router.patch("/{user_id}", responses=responses(400, 401, 403, 404, 409, 422))
async def update_user(
    user_id: uuid.UUID, data: UserUpdate, _: AdminUser, session: SessionDep, ctx: ActorContext
) -> UserOut:
    """Change an account's role, department, name or active flag (admin); each change is audited."""
    return UserOut.model_validate(await service.admin_update(session, user_id, data, ctx))
