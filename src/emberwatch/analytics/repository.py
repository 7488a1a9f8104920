"""The SQL of team analytics: recompute one department-week from raw rows, and read rollups back."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.analytics.models import DepartmentWeek
from emberwatch.checkins.models import CheckIn, Prediction
from emberwatch.core.db import upsert, utcnow
from emberwatch.departments.models import Department, DepartmentManager
from emberwatch.surveys.models import SurveyResponse
from emberwatch.users.models import User
from emberwatch.workload.models import MemberResult


def _latest_per_user(rows: Sequence[Any]) -> dict[uuid.UUID, Any]:
    """Rows are (user_id, order key, …): keep each user's last."""
    latest: dict[uuid.UUID, Any] = {}
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        latest[row[0]] = row
    return latest


async def recompute(session: AsyncSession, department_id: uuid.UUID, week_start: date) -> None:
    """Rebuild one department-week from the raw rows of that week (a bounded query: one team, seven days)."""
    week_end = week_start + timedelta(days=6)
    totals = (
        await session.execute(
            select(
                func.count(func.distinct(CheckIn.user_id)),
                func.count(CheckIn.id),
                func.coalesce(func.sum(CheckIn.exhaustion), 0),
                func.coalesce(func.sum(CheckIn.capability), 0),
                func.coalesce(func.sum(6 - CheckIn.meaningfulness), 0),
            ).where(CheckIn.department_id == department_id, CheckIn.date.between(week_start, week_end))
        )
    ).one()
    predictions = await session.execute(
        select(Prediction.user_id, Prediction.date, Prediction.risk_level, Prediction.at_risk)
        .join(CheckIn, CheckIn.id == Prediction.checkin_id)
        .where(CheckIn.department_id == department_id, CheckIn.date.between(week_start, week_end))
    )
    latest_risk = _latest_per_user(predictions.all())
    surveys = await session.execute(
        select(SurveyResponse.user_id, SurveyResponse.created_at, SurveyResponse.score).where(
            SurveyResponse.department_id == department_id,
            SurveyResponse.instrument == "cbi_work",
            SurveyResponse.date.between(week_start, week_end),
        )
    )
    latest_cbi = _latest_per_user(surveys.all())
    start = datetime.combine(week_start, time.min, UTC)
    workload = await session.execute(
        select(MemberResult.user_id, MemberResult.completed_at, MemberResult.risk_level)
        .join(User, User.id == MemberResult.user_id)
        .where(
            User.department_id == department_id,
            MemberResult.completed_at >= start,
            MemberResult.completed_at < start + timedelta(days=7),
        )
    )
    latest_workload = _latest_per_user(workload.all())

    levels = [r[2] for r in latest_risk.values()]
    workload_levels = [r[2] for r in latest_workload.values()]
    row = {
        "department_id": department_id,
        "week_start": week_start,
        "participants": int(totals[0]),
        "checkins": int(totals[1]),
        "sum_ee": float(totals[2]),
        "sum_pa": float(totals[3]),
        "sum_dp": float(totals[4]),
        "risk_low": levels.count("low"),
        "risk_moderate": levels.count("moderate"),
        "risk_high": levels.count("high"),
        "at_risk": sum(1 for r in latest_risk.values() if r[3]),
        "cbi_respondents": len(latest_cbi),
        "cbi_work_sum": float(sum(r[2] for r in latest_cbi.values())),
        "workload_members": len(latest_workload),
        "workload_low": workload_levels.count("low"),
        "workload_medium": workload_levels.count("medium"),
        "workload_high": workload_levels.count("high"),
        "workload_critical": workload_levels.count("critical"),
        "updated_at": utcnow(),
    }
    await upsert(
        session,
        DepartmentWeek,
        [row],
        conflict=["department_id", "week_start"],
        update=[k for k in row if k not in ("department_id", "week_start")],
    )


async def weeks_with_data(session: AsyncSession) -> set[tuple[uuid.UUID, date]]:
    """Every (department, date) that has a check-in or a survey response: what a rebuild must cover."""
    found: set[tuple[uuid.UUID, date]] = set()
    for model in (CheckIn, SurveyResponse):
        rows = await session.execute(
            select(model.department_id, model.date).where(model.department_id.is_not(None)).distinct()
        )
        found.update((d, day) for d, day in rows if d is not None)
    return found


async def clear(session: AsyncSession) -> None:
    await session.execute(delete(DepartmentWeek))


async def rollups(
    session: AsyncSession, department_ids: Sequence[uuid.UUID], first: date, last: date
) -> list[dict[str, Any]]:
    """Rollup rows as plain mappings (read-only views do not need ORM objects, and building them is most of the
    cost of a large overview)."""
    if not department_ids:
        return []
    table = DepartmentWeek.__table__
    rows = await session.execute(
        select(table).where(
            table.c.department_id.in_(department_ids),
            table.c.week_start >= first,
            table.c.week_start <= last,
        )
    )
    return [dict(r._mapping) for r in rows]


async def departments(session: AsyncSession) -> list[tuple[uuid.UUID, str, uuid.UUID | None]]:
    rows = await session.execute(select(Department.id, Department.name, Department.parent_id))
    return [(i, n, p) for i, n, p in rows]


async def managed_by(session: AsyncSession, user_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        await session.scalars(select(DepartmentManager.department_id).where(DepartmentManager.user_id == user_id))
    )


async def active_members(session: AsyncSession) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(User.department_id, func.count(User.id))
        .where(User.is_active.is_(True), User.department_id.is_not(None))
        .group_by(User.department_id)
    )
    return {d: int(n) for d, n in rows if d is not None}


async def rollup_version(session: AsyncSession) -> str:
    """Changes whenever any rollup does: part of every cache key, so a cached view never outlives its data."""
    latest, count = (
        await session.execute(select(func.max(DepartmentWeek.updated_at), func.count()).select_from(DepartmentWeek))
    ).one()
    return f"{latest.isoformat() if latest else '-'}:{count}"
