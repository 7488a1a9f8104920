"""Request-scoped dependencies that every domain uses: settings, the database session, the clock, who and where."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.core.config import Settings
from emberwatch.core.context import RequestContext
from emberwatch.core.db import session_scope


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with session_scope(request.app.state.sessionmaker) as session:
        yield session


def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def _context(request: Request) -> RequestContext:
    return RequestContext(
        ip=request.client.host if request.client else None,
        request_id=getattr(request.state, "request_id", None),
    )


SettingsDep = Annotated[Settings, Depends(_settings)]
# scope="function": the commit happens before the response is sent, so a 201 always means the row is stored.
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]
NowDep = Annotated[datetime, Depends(_now)]
ContextDep = Annotated[RequestContext, Depends(_context)]
