"""Accounts: creation (registration, admin, CLI), profile changes and admin changes, each audited."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.audit import service as audit
from emberwatch.auth.passwords import check_password
from emberwatch.core.context import RequestContext
from emberwatch.core.pagination import PageParams
from emberwatch.core.security import PasswordHasher
from emberwatch.departments import service as departments
from emberwatch.users import repository
from emberwatch.users.exceptions import EmailTaken, LastAdmin, UserNotFound
from emberwatch.users.models import Role, User
from emberwatch.users.schemas import ProfileUpdate, UserCreate, UserUpdate


async def get(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await repository.get(session, user_id)
    if user is None:
        raise UserNotFound("No such user.")
    return user


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    return await repository.get_by_email(session, email)


async def get_many(session: AsyncSession, user_ids: list[uuid.UUID]) -> list[User]:
    return await repository.get_many(session, user_ids)


async def search(
    session: AsyncSession,
    page: PageParams,
    *,
    department_id: uuid.UUID | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
) -> tuple[list[User], int]:
    return await repository.search(
        session, page, department_id=department_id, role=role.value if role else None, is_active=is_active
    )


async def create(
    session: AsyncSession, hasher: PasswordHasher, data: UserCreate, ctx: RequestContext, *, action: str
) -> User:
    """Create an account; `action` says how (`user.registered`, `user.created`) for the audit log."""
    check_password(data.password, email=data.email)
    if data.department_id is not None:
        await departments.ensure_exists(session, data.department_id)
    if await repository.get_by_email(session, data.email) is not None:
        raise EmailTaken("An account with this email already exists.")
    user = User(
        email=data.email,
        full_name=data.full_name,
        password_hash=await hasher.hash(data.password),
        role=data.role.value,
        department_id=data.department_id,
        timezone=data.timezone,
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        # Two registrations of one address raced past the check above; the unique index decided.
        raise EmailTaken("An account with this email already exists.") from exc
    await audit.record(session, ctx, action, target_type="user", target_id=user.id, role=user.role)
    return user


async def update_profile(session: AsyncSession, user: User, data: ProfileUpdate) -> User:
    for field in data.model_fields_set:
        value = getattr(data, field)
        if value is None and field != "reminder_time":
            continue
        setattr(user, field, value)
    await session.flush()
    return user


async def set_password_hash(session: AsyncSession, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    await session.flush()


async def admin_update(session: AsyncSession, user_id: uuid.UUID, data: UserUpdate, ctx: RequestContext) -> User:
    """Change role, department, name or active flag; refuses to leave the organisation without an active admin."""
    user = await get(session, user_id)
    fields = data.model_fields_set
    losing_admin = user.role == Role.admin and (
        ("role" in fields and data.role not in (None, Role.admin))
        or ("is_active" in fields and data.is_active is False)
    )
    if losing_admin and user.is_active and await repository.count_active_admins(session) <= 1:
        raise LastAdmin("This is the last active admin; promote another admin first.")

    if "full_name" in fields and data.full_name is not None:
        user.full_name = data.full_name
    if "role" in fields and data.role is not None and data.role.value != user.role:
        await audit.record(
            session,
            ctx,
            "user.role_changed",
            target_type="user",
            target_id=user.id,
            old=user.role,
            new=data.role,
        )
        if data.role == Role.member:
            await departments.remove_manager_everywhere(session, user.id)
        user.role = data.role.value
    if "department_id" in fields and data.department_id != user.department_id:
        if data.department_id is not None:
            await departments.ensure_exists(session, data.department_id)
        await audit.record(
            session,
            ctx,
            "user.department_changed",
            target_type="user",
            target_id=user.id,
            old=str(user.department_id) if user.department_id else None,
            new=str(data.department_id) if data.department_id else None,
        )
        user.department_id = data.department_id
    if "is_active" in fields and data.is_active is not None and data.is_active != user.is_active:
        action = "user.reactivated" if data.is_active else "user.deactivated"
        await audit.record(session, ctx, action, target_type="user", target_id=user.id)
        user.is_active = data.is_active
    await session.flush()
    return user
