"""Logins, token rotation with reuse detection, lockout, password reset and change (SPEC §2.1)."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.audit import service as audit
from emberwatch.auth import repository
from emberwatch.auth.exceptions import (
    AccountLocked,
    InvalidCredentials,
    InvalidResetToken,
    InvalidToken,
    RefreshTokenReused,
    RegistrationClosed,
    WrongPassword,
)
from emberwatch.auth.models import AuthSession
from emberwatch.auth.passwords import check_password
from emberwatch.auth.schemas import RegisterIn, TokenPair
from emberwatch.core import security
from emberwatch.core.config import Settings
from emberwatch.core.context import RequestContext
from emberwatch.core.mail import Mail
from emberwatch.users import service as users
from emberwatch.users.models import Role, User
from emberwatch.users.schemas import UserCreate

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AuthKit:
    """What the auth service needs from the process: settings, the hasher and the token codec."""

    settings: Settings
    hasher: security.PasswordHasher
    codec: security.TokenCodec

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthKit:
        return cls(settings, security.PasswordHasher.from_settings(settings), security.TokenCodec(settings))

    def email_key(self, email: str) -> str:
        return security.keyed_digest(self.settings.secret_key.get_secret_value(), email.lower())


async def register(session: AsyncSession, kit: AuthKit, data: RegisterIn, ctx: RequestContext) -> User:
    if not kit.settings.registration_open:
        raise RegistrationClosed("Open registration is turned off; ask an admin for an account.")
    create = UserCreate(email=data.email, password=data.password, full_name=data.full_name, timezone=data.timezone)
    return await users.create(session, kit.hasher, create, ctx, action="user.registered")


async def authenticate(session: AsyncSession, kit: AuthKit, bearer: str, now: datetime) -> tuple[User, uuid.UUID]:
    """The user behind an access token, provided its login is live and the account active."""
    try:
        claims = kit.codec.decode_access(bearer, now)
    except security.InvalidToken as exc:
        raise InvalidToken("The access token is not valid.") from exc
    user = await repository.user_for_access_token(session, claims.user_id, claims.session_id, now)
    if user is None:
        raise InvalidToken("The access token is no longer valid.")
    return user, claims.session_id


async def login(
    session: AsyncSession, kit: AuthKit, email: str, password: str, ctx: RequestContext, now: datetime
) -> TokenPair:
    """Check the password with the same work whether or not the account exists; lock the email after failures."""
    key = kit.email_key(email)
    throttle = await repository.get_throttle(session, key)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        raise _locked(throttle.locked_until, now)

    user = await users.get_by_email(session, email)
    valid = await kit.hasher.verify(user.password_hash if user else None, password)
    if not valid or user is None or not user.is_active:
        await audit.record(
            session,
            ctx,
            "auth.login_failed",
            target_type="user",
            target_id=user.id if user else None,
            email=email,
        )
        locked_until = await _count_failure(session, kit, key, now)
        if locked_until is not None:
            await audit.record(session, ctx, "auth.lockout", target_type="email", email=email)
            raise _locked(locked_until, now)
        raise InvalidCredentials("Wrong email or password.")

    await repository.clear_throttle(session, key)
    if kit.hasher.needs_rehash(user.password_hash):
        await users.set_password_hash(session, user, await kit.hasher.hash(password))
    expires = now + timedelta(days=kit.settings.auth.refresh_token_days)
    auth_session = await repository.add_session(session, user.id, expires)
    await audit.record(session, ctx, "auth.login", actor_id=user.id, target_type="user", target_id=user.id)
    return await _issue(session, kit, user.id, auth_session, now)


async def refresh(session: AsyncSession, kit: AuthKit, token: str, ctx: RequestContext, now: datetime) -> TokenPair:
    """Rotate: the presented token is spent; presenting a spent one again revokes the whole login."""
    found = await repository.find_refresh_token(session, security.hash_opaque_token(token))
    if found is None:
        raise InvalidToken("The refresh token is not valid.")
    refresh_token, auth_session = found
    if auth_session.revoked_at is not None or auth_session.expires_at <= now:
        raise InvalidToken("The refresh token has expired or was revoked.")
    if not await repository.claim_refresh_token(session, refresh_token.id, now):
        await repository.revoke_session(session, auth_session.id, "refresh_reuse", now)
        await audit.record(
            session,
            ctx,
            "auth.refresh_reuse",
            actor_id=auth_session.user_id,
            target_type="session",
            target_id=auth_session.id,
        )
        raise RefreshTokenReused("This refresh token was already used; the login has been revoked.")
    user = await users.get(session, auth_session.user_id)
    if not user.is_active:
        raise InvalidToken("The account is deactivated.")
    return await _issue(session, kit, user.id, auth_session, now)


async def logout(session: AsyncSession, user: User, token: str, ctx: RequestContext, now: datetime) -> None:
    found = await repository.find_refresh_token(session, security.hash_opaque_token(token))
    if found is None or found[1].user_id != user.id:
        raise InvalidToken("The refresh token does not belong to one of your logins.")
    await repository.revoke_session(session, found[1].id, "logout", now)
    await audit.record(session, ctx, "auth.logout", target_type="session", target_id=found[1].id)


async def request_password_reset(
    session: AsyncSession, kit: AuthKit, email: str, ctx: RequestContext, now: datetime
) -> Mail | None:
    """Make a single-use token for an existing, active account; the caller learns nothing either way."""
    user = await users.get_by_email(session, email)
    if user is None or not user.is_active:
        return None
    token = security.new_opaque_token()
    minutes = kit.settings.auth.password_reset_minutes
    await repository.add_reset_token(
        session, user.id, security.hash_opaque_token(token), now + timedelta(minutes=minutes)
    )
    await audit.record(session, ctx, "auth.password_reset_requested", target_type="user", target_id=user.id)
    endpoint = f"{kit.settings.public_base_url.rstrip('/')}/api/v1/auth/password-reset/confirm"
    body = (
        f"Someone asked to reset the password of your Emberwatch account.\n\n"
        f"Reset token: {token}\n\n"
        f"Enter it in the Emberwatch app, or send it with your new password to {endpoint}.\n"
        f"The token works once, for {minutes} minutes. If you did not ask for this, ignore this message."
    )
    return Mail(to=user.email, subject="Reset your Emberwatch password", body=body)


async def confirm_password_reset(
    session: AsyncSession, kit: AuthKit, token: str, new_password: str, ctx: RequestContext, now: datetime
) -> None:
    user_id = await repository.claim_reset_token(session, security.hash_opaque_token(token), now)
    if user_id is None:
        raise InvalidResetToken("The reset token is unknown, expired or already used.")
    user = await users.get(session, user_id)
    check_password(new_password, email=user.email)
    await users.set_password_hash(session, user, await kit.hasher.hash(new_password))
    await repository.revoke_user_sessions(session, user.id, "password_reset", now)
    await audit.record(session, ctx, "auth.password_reset", actor_id=user.id, target_type="user", target_id=user.id)


async def change_password(
    session: AsyncSession,
    kit: AuthKit,
    user: User,
    current_session: uuid.UUID,
    current_password: str,
    new_password: str,
    ctx: RequestContext,
    now: datetime,
) -> None:
    """Change one's own password; every other login of the account is signed out."""
    if not await kit.hasher.verify(user.password_hash, current_password):
        raise WrongPassword("The current password is not correct.")
    check_password(new_password, email=user.email)
    await users.set_password_hash(session, user, await kit.hasher.hash(new_password))
    await repository.revoke_user_sessions(session, user.id, "password_changed", now, keep=current_session)
    await audit.record(session, ctx, "auth.password_changed", target_type="user", target_id=user.id)


async def create_admin(
    session: AsyncSession, kit: AuthKit, email: str, password: str, full_name: str, ctx: RequestContext
) -> User:
    data = UserCreate(email=email, password=password, full_name=full_name, role=Role.admin)
    return await users.create(session, kit.hasher, data, ctx, action="user.created")


async def _count_failure(session: AsyncSession, kit: AuthKit, key: str, now: datetime) -> datetime | None:
    """Count one failure; returns the end of the lock when this failure triggers one."""
    policy = kit.settings.auth
    throttle = await repository.lock_throttle(session, key)
    if throttle.locked_until is not None and now - throttle.locked_until > timedelta(days=1):
        throttle.lockouts = 0  # a lock long past no longer makes the next one longer
    window = timedelta(minutes=policy.lockout_window_minutes)
    if throttle.window_started_at is None or now - throttle.window_started_at >= window:
        throttle.failures = 0
        throttle.window_started_at = now
    throttle.failures += 1
    locked_until = None
    if throttle.failures >= policy.lockout_threshold:
        throttle.lockouts += 1
        minutes = min(policy.lockout_base_minutes * 2 ** (throttle.lockouts - 1), policy.lockout_max_minutes)
        locked_until = now + timedelta(minutes=minutes)
        throttle.locked_until = locked_until
        throttle.failures = 0
        throttle.window_started_at = None
    await session.flush()
    return locked_until


def _locked(until: datetime, now: datetime) -> AccountLocked:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return AccountLocked(
        f"Too many failed logins for this email; try again in {math.ceil(seconds / 60)} minute(s).",
        headers={"Retry-After": str(seconds)},
    )


async def _issue(
    session: AsyncSession, kit: AuthKit, user_id: uuid.UUID, auth_session: AuthSession, now: datetime
) -> TokenPair:
    refresh_token = security.new_opaque_token()
    await repository.add_refresh_token(session, auth_session.id, security.hash_opaque_token(refresh_token))
    return TokenPair(
        access_token=kit.codec.issue_access(user_id, auth_session.id, now),
        refresh_token=refresh_token,
        expires_in=int(kit.codec.ttl.total_seconds()),
    )
