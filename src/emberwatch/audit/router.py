from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from emberwatch.audit import service
from emberwatch.audit.schemas import AuditEventOut
from emberwatch.auth.dependencies import AdminUser
from emberwatch.core.dependencies import SessionDep
from emberwatch.core.errors import responses
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.routing import API_PREFIX
from emberwatch.core.validation import UTCTimestamp

router = APIRouter(prefix=f"{API_PREFIX}/admin", tags=["admin"])


@router.get("/audit-log", responses=responses(401, 403, 422))
async def audit_log(
    _: AdminUser,
    session: SessionDep,
    page: PageDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    actor_id: Annotated[uuid.UUID | None, Query()] = None,
    target_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[UTCTimestamp | None, Query(description="Inclusive, ISO 8601.")] = None,
    until: Annotated[UTCTimestamp | None, Query(description="Exclusive, ISO 8601.")] = None,
) -> Page[AuditEventOut]:
    """The audit log, newest first, filtered by action, actor, target or time (admin)."""
    rows, total = await service.search(
        session, page, action=action, actor_id=actor_id, target_id=target_id, since=since, until=until
    )
    return Page(items=[AuditEventOut.model_validate(r) for r in rows], total=total)
