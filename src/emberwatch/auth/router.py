from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from emberwatch.auth import service
from emberwatch.auth.dependencies import ActorContext, AuthKitDep, CallerDep, CurrentUser
from emberwatch.auth.schemas import (
    Accepted,
    LoginIn,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshIn,
    RegisterIn,
    TokenPair,
)
from emberwatch.core.dependencies import ContextDep, NowDep, SessionDep
from emberwatch.core.errors import responses
from emberwatch.core.mail import Mailer
from emberwatch.core.routing import API_PREFIX
from emberwatch.users import service as users
from emberwatch.users.schemas import ProfileOut, ProfileUpdate, UserOut

router = APIRouter(prefix=f"{API_PREFIX}/auth", tags=["auth"])


def _mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.mailer
    return mailer


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=responses(400, 403, 409, 422),
)
async def register(data: RegisterIn, session: SessionDep, kit: AuthKitDep, ctx: ContextDep) -> UserOut:
    """Create a member account (when open registration is on)."""
    return UserOut.model_validate(await service.register(session, kit, data, ctx))


@router.post("/login", responses=responses(401, 422, 423))
async def login(data: LoginIn, session: SessionDep, kit: AuthKitDep, ctx: ContextDep, now: NowDep) -> TokenPair:
    """Exchange email and password for an access token (15 min) and a refresh token (rotated on use)."""
    return await service.login(session, kit, data.email, data.password, ctx, now)


@router.post("/token", responses=responses(401, 422, 423))
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    kit: AuthKitDep,
    ctx: ContextDep,
    now: NowDep,
) -> TokenPair:
    """The login as an OAuth2 password form (`username` is the email), for Swagger's Authorize button."""
    credentials = LoginIn(email=form.username, password=form.password)
    return await service.login(session, kit, credentials.email, credentials.password, ctx, now)


@router.post("/refresh", responses=responses(401, 422))
async def refresh(data: RefreshIn, session: SessionDep, kit: AuthKitDep, ctx: ContextDep, now: NowDep) -> TokenPair:
    """Trade a refresh token for a new pair; the old one stops working, and reusing it revokes the login."""
    return await service.refresh(session, kit, data.refresh_token, ctx, now)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 422))
async def logout(data: RefreshIn, user: CurrentUser, session: SessionDep, ctx: ActorContext, now: NowDep) -> None:
    """End one login: its refresh token and every access token issued from it stop working."""
    await service.logout(session, user, data.refresh_token, ctx, now)


@router.post("/password-reset/request", status_code=status.HTTP_202_ACCEPTED, responses=responses(422))
async def request_password_reset(
    data: PasswordResetRequest,
    session: SessionDep,
    kit: AuthKitDep,
    ctx: ContextDep,
    now: NowDep,
    background: BackgroundTasks,
    mailer: Annotated[Mailer, Depends(_mailer)],
) -> Accepted:
    """Mail a single-use reset token (valid 30 minutes) if the account exists; the answer is the same either way."""
    mail = await service.request_password_reset(session, kit, data.email, ctx, now)
    if mail is not None:
        background.add_task(mailer.send, mail)  # after the commit and the response: no timing difference
    return Accepted(detail="If an account exists for this email, a reset message is on its way.")


@router.post("/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT, responses=responses(400, 422))
async def confirm_password_reset(
    data: PasswordResetConfirm, session: SessionDep, kit: AuthKitDep, ctx: ContextDep, now: NowDep
) -> None:
    """Set a new password with a reset token; every login of the account is signed out."""
    await service.confirm_password_reset(session, kit, data.token, data.new_password, ctx, now)


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, responses=responses(400, 401, 422))
async def change_password(
    data: PasswordChange,
    caller: CallerDep,
    session: SessionDep,
    kit: AuthKitDep,
    ctx: ActorContext,
    now: NowDep,
) -> None:
    """Change your password; your other logins are signed out, this one stays."""
    await service.change_password(
        session, kit, caller.user, caller.session_id, data.current_password, data.new_password, ctx, now
    )


@router.get("/me", responses=responses(401))
async def me(user: CurrentUser) -> ProfileOut:
    """Your own profile."""
    return ProfileOut.model_validate(user)


@router.patch("/me", responses=responses(401, 422))
async def update_me(data: ProfileUpdate, user: CurrentUser, session: SessionDep) -> ProfileOut:
    """Change your name, time zone or reminder time (department and role are set by an admin)."""
    return ProfileOut.model_validate(await users.update_profile(session, user, data))
