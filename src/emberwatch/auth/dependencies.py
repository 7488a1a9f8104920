"""Who is calling: `CurrentUser`, `ManagerUser`, `AdminUser`. Every authenticated route depends on one of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from emberwatch.auth import service
from emberwatch.auth.service import AuthKit
from emberwatch.core.context import RequestContext
from emberwatch.core.dependencies import ContextDep, NowDep, SessionDep
from emberwatch.core.errors import Forbidden, Unauthenticated
from emberwatch.users.models import Role, User

# Documents the bearer scheme and gives Swagger its "Authorize" button (password flow against /auth/token).
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _kit(request: Request) -> AuthKit:
    kit: AuthKit = request.app.state.auth
    return kit


AuthKitDep = Annotated[AuthKit, Depends(_kit)]


@dataclass(frozen=True)
class Caller:
    user: User
    session_id: uuid.UUID


async def _caller(
    session: SessionDep, kit: AuthKitDep, now: NowDep, token: Annotated[str | None, Depends(_bearer)]
) -> Caller:
    if not token:
        raise Unauthenticated("Send an access token: 'Authorization: Bearer <token>'.")
    user, session_id = await service.authenticate(session, kit, token, now)
    return Caller(user, session_id)


CallerDep = Annotated[Caller, Depends(_caller)]


def _user(caller: CallerDep) -> User:
    return caller.user


CurrentUser = Annotated[User, Depends(_user)]


def _manager(user: CurrentUser) -> User:
    if user.role not in (Role.manager, Role.admin):
        raise Forbidden("This needs the manager or admin role.")
    return user


def _admin(user: CurrentUser) -> User:
    if user.role != Role.admin:
        raise Forbidden("This needs the admin role.")
    return user


ManagerUser = Annotated[User, Depends(_manager)]
AdminUser = Annotated[User, Depends(_admin)]


def _actor_context(ctx: ContextDep, user: CurrentUser) -> RequestContext:
    return ctx.acting_as(user.id)


ActorContext = Annotated[RequestContext, Depends(_actor_context)]
