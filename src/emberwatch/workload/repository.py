from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.core.db import upsert
from emberwatch.core.pagination import PageParams
from emberwatch.users.models import User
from emberwatch.workload.clients import IncidentRow, Person
from emberwatch.workload.models import Analysis, Integration, MemberResult, WorkloadIncident, WorkloadPerson


async def integration(session: AsyncSession, integration_id: uuid.UUID) -> Integration | None:
    return await session.get(Integration, integration_id)


async def integrations_of(
    session: AsyncSession, owner_id: uuid.UUID, page: PageParams
) -> tuple[list[Integration], int]:
    condition = Integration.owner_id == owner_id
    total = await session.scalar(select(func.count()).select_from(Integration).where(condition))
    rows = await session.scalars(
        select(Integration)
        .where(condition)
        .order_by(Integration.created_at.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def delete_integration(session: AsyncSession, integration_id: uuid.UUID) -> None:
    await session.execute(delete(Integration).where(Integration.id == integration_id))


async def store_people(session: AsyncSession, integration_id: uuid.UUID, people: list[Person]) -> None:
    rows = [
        {
            "id": uuid.uuid4(),
            "integration_id": integration_id,
            "external_id": p.external_id,
            "email": p.email,
            "name": p.name,
            "timezone": p.timezone,
        }
        for p in {p.email: p for p in people}.values()
    ]
    await upsert(
        session, WorkloadPerson, rows, conflict=["integration_id", "email"], update=["external_id", "name", "timezone"]
    )


async def store_incidents(session: AsyncSession, integration_id: uuid.UUID, incidents: list[IncidentRow]) -> None:
    rows = [
        {
            "id": uuid.uuid4(),
            "integration_id": integration_id,
            "external_id": i.external_id,
            "responder_email": i.responder_email,
            "responder_name": i.responder_name,
            "created_at": i.created_at,
            "acknowledged_at": i.acknowledged_at,
            "resolved_at": i.resolved_at,
            "severity": i.severity,
            "title": i.title,
        }
        for i in {(i.external_id, i.responder_email): i for i in incidents}.values()
    ]
    await upsert(
        session,
        WorkloadIncident,
        rows,
        conflict=["integration_id", "external_id", "responder_email"],
        update=["responder_name", "created_at", "acknowledged_at", "resolved_at", "severity", "title"],
    )


async def incidents_between(
    session: AsyncSession, integration_id: uuid.UUID, start: datetime, end: datetime
) -> list[tuple[Any, ...]]:
    rows = await session.execute(
        select(
            WorkloadIncident.external_id,
            WorkloadIncident.created_at,
            WorkloadIncident.acknowledged_at,
            WorkloadIncident.resolved_at,
            WorkloadIncident.severity,
            WorkloadIncident.responder_email,
            WorkloadIncident.responder_name,
            WorkloadIncident.title,
        ).where(
            WorkloadIncident.integration_id == integration_id,
            WorkloadIncident.created_at >= start,
            WorkloadIncident.created_at < end,
        )
    )
    return [tuple(r) for r in rows]


async def people_of(session: AsyncSession, integration_id: uuid.UUID) -> list[tuple[str, str | None, str | None]]:
    rows = await session.execute(
        select(WorkloadPerson.email, WorkloadPerson.name, WorkloadPerson.timezone).where(
            WorkloadPerson.integration_id == integration_id
        )
    )
    return [(e, n, t) for e, n, t in rows]


async def analysis(session: AsyncSession, analysis_id: uuid.UUID) -> Analysis | None:
    return await session.get(Analysis, analysis_id)


async def analyses_of(
    session: AsyncSession, owner_id: uuid.UUID, page: PageParams, integration_id: uuid.UUID | None
) -> tuple[list[Analysis], int]:
    conditions = [Analysis.owner_id == owner_id]
    if integration_id is not None:
        conditions.append(Analysis.integration_id == integration_id)
    total = await session.scalar(select(func.count()).select_from(Analysis).where(*conditions))
    rows = await session.scalars(
        select(Analysis).where(*conditions).order_by(Analysis.created_at.desc()).limit(page.limit).offset(page.offset)
    )
    return list(rows), total or 0


async def delete_analysis(session: AsyncSession, analysis_id: uuid.UUID) -> None:
    await session.execute(delete(Analysis).where(Analysis.id == analysis_id))


async def claim(session: AsyncSession, analysis_id: uuid.UUID, now: datetime) -> bool:
    """pending → running, once: a second worker (or a duplicate message) finds nothing to claim."""
    result = await session.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.status == "pending")
        .values(status="running", started_at=now, attempts=Analysis.attempts + 1, error_message=None)
        .execution_options(synchronize_session=False)
    )
    return isinstance(result, CursorResult) and result.rowcount == 1


async def finish(session: AsyncSession, analysis_id: uuid.UUID, values: dict[str, Any]) -> None:
    await session.execute(
        update(Analysis)
        .where(Analysis.id == analysis_id, Analysis.status == "running")
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def stale(session: AsyncSession, status: str, before: datetime) -> list[Analysis]:
    column = Analysis.started_at if status == "running" else Analysis.created_at
    rows = await session.scalars(select(Analysis).where(Analysis.status == status, column < before))
    return list(rows)


async def users_by_email(session: AsyncSession, emails: list[str]) -> dict[str, uuid.UUID]:
    if not emails:
        return {}
    rows = await session.execute(select(User.email, User.id).where(User.email.in_(emails)))
    return {str(row[0]): row[1] for row in rows}


async def store_member_results(session: AsyncSession, results: list[MemberResult]) -> None:
    session.add_all(results)
    await session.flush()


async def latest_result_for(session: AsyncSession, user_id: uuid.UUID) -> MemberResult | None:
    return await session.scalar(
        select(MemberResult).where(MemberResult.user_id == user_id).order_by(MemberResult.completed_at.desc()).limit(1)
    )


async def departments_of(session: AsyncSession, user_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not user_ids:
        return set()
    rows = await session.scalars(
        select(User.department_id).where(User.id.in_(user_ids), User.department_id.is_not(None))
    )
    return {d for d in rows if d is not None}
