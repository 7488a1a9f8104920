from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.auth.models import AuthSession, LoginThrottle, PasswordResetToken, RefreshToken
from emberwatch.core.db import insert_ignoring_conflict
from emberwatch.users.models import User


async def user_for_access_token(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
) -> User | None:
    """The active user behind a live login, in one query: revoking a login ends its access tokens at once."""
    return await session.scalar(
        select(User)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.is_active.is_(True),
            AuthSession.id == session_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )
    )


async def add_session(session: AsyncSession, user_id: uuid.UUID, expires_at: datetime) -> AuthSession:
    login = AuthSession(user_id=user_id, expires_at=expires_at)
    session.add(login)
    await session.flush()
    return login


async def add_refresh_token(session: AsyncSession, session_id: uuid.UUID, token_hash: str) -> None:
    session.add(RefreshToken(session_id=session_id, token_hash=token_hash))
    await session.flush()


async def find_refresh_token(session: AsyncSession, token_hash: str) -> tuple[RefreshToken, AuthSession] | None:
    row = (
        await session.execute(
            select(RefreshToken, AuthSession)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .where(RefreshToken.token_hash == token_hash)
        )
    ).one_or_none()
    return (row[0], row[1]) if row else None


async def claim_refresh_token(session: AsyncSession, token_id: uuid.UUID, now: datetime) -> bool:
    """Mark a refresh token used; False when another request used it first (so this one is a reuse)."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


async def revoke_session(session: AsyncSession, session_id: uuid.UUID, reason: str, now: datetime) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, reason: str, now: datetime, *, keep: uuid.UUID | None = None
) -> None:
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    await session.execute(
        query.values(revoked_at=now, revoked_reason=reason).execution_options(synchronize_session=False)
    )


async def get_throttle(session: AsyncSession, email_key: str) -> LoginThrottle | None:
    return await session.get(LoginThrottle, email_key)


async def lock_throttle(session: AsyncSession, email_key: str) -> LoginThrottle:
    """The counter row for an email, created if needed and locked for this transaction (concurrent failures add up)."""
    await insert_ignoring_conflict(session, LoginThrottle, email_key=email_key, failures=0, lockouts=0)
    throttle = await session.get(LoginThrottle, email_key, with_for_update=True, populate_existing=True)
    assert throttle is not None
    return throttle


async def clear_throttle(session: AsyncSession, email_key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.email_key == email_key))


async def add_reset_token(session: AsyncSession, user_id: uuid.UUID, token_hash: str, expires_at: datetime) -> None:
    session.add(PasswordResetToken(user_id=user_id, token_hash=token_hash, expires_at=expires_at))
    await session.flush()


async def claim_reset_token(session: AsyncSession, token_hash: str, now: datetime) -> uuid.UUID | None:
    """Use a reset token once: returns its user, or None when unknown, expired or already used."""
    token = await session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == token_hash,
            PasswordResetToken.used_at.is_(None),
            PasswordResetToken.expires_at > now,
        )
    )
    if token is None:
        return None
    result = await session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == token.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return token.user_id if isinstance(result, CursorResult) and result.rowcount == 1 else None
