"""The audit log: who did what, when, from where. Written in the same transaction as the change it records."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.audit.models import AuditEvent
from emberwatch.core.context import RequestContext
from emberwatch.core.pagination import PageParams


async def record(
    session: AsyncSession,
    ctx: RequestContext,
    action: str,
    *,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    actor_id: uuid.UUID | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEvent(
            action=action,
            actor_id=actor_id or ctx.actor_id,
            target_type=target_type,
            target_id=str(target_id) if target_id is not None else None,
            ip=ctx.ip,
            request_id=ctx.request_id,
            details=details,
        )
    )


async def search(
    session: AsyncSession,
    page: PageParams,
    *,
    action: str | None = None,
    actor_id: uuid.UUID | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id:
        query = query.where(AuditEvent.actor_id == actor_id)
    if target_id:
        query = query.where(AuditEvent.target_id == target_id)
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id).limit(page.limit).offset(page.offset)
    )
    return list(rows), total or 0
