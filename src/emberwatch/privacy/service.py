"""Each person's rights over their data (SPEC §2.8): export everything stored about them, or erase it."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.analytics import service as analytics
from emberwatch.audit import service as audit
from emberwatch.audit.models import AuditEvent
from emberwatch.auth.models import AuthSession
from emberwatch.checkins.models import CheckIn, Prediction
from emberwatch.core.context import RequestContext
from emberwatch.core.errors import Conflict
from emberwatch.surveys.models import SurveyResponse
from emberwatch.users.models import Role, User
from emberwatch.users.repository import count_active_admins
from emberwatch.workload.models import MemberResult


class LastAdmin(Conflict):
    code = "last_admin"


def _row(obj: Any, columns: list[str]) -> dict[str, Any]:
    out = {}
    for name in columns:
        value = getattr(obj, name)
        out[name] = (
            value.isoformat()
            if isinstance(value, datetime | date)
            else str(value)
            if isinstance(value, uuid.UUID)
            else value
        )
    return out


async def collect(session: AsyncSession, user: User) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about the person, table by table."""

    async def rows(model: Any, *conditions: Any, order: Any) -> list[Any]:
        return list(await session.scalars(select(model).where(*conditions).order_by(order)))

    def columns(model: Any) -> list[str]:
        return [c.name for c in model.__table__.columns if c.name not in ("password_hash", "idempotency_key")]

    return {
        "profile": [_row(user, columns(User))],
        "checkins": [
            _row(r, columns(CheckIn)) for r in await rows(CheckIn, CheckIn.user_id == user.id, order=CheckIn.date)
        ],
        "predictions": [
            _row(r, columns(Prediction))
            for r in await rows(Prediction, Prediction.user_id == user.id, order=Prediction.date)
        ],
        "surveys": [
            _row(r, columns(SurveyResponse))
            for r in await rows(SurveyResponse, SurveyResponse.user_id == user.id, order=SurveyResponse.created_at)
        ],
        "workload_results": [
            _row(r, columns(MemberResult))
            for r in await rows(MemberResult, MemberResult.user_id == user.id, order=MemberResult.completed_at)
        ],
        "logins": [
            _row(r, columns(AuthSession))
            for r in await rows(AuthSession, AuthSession.user_id == user.id, order=AuthSession.created_at)
        ],
        "audit_log": [
            _row(r, columns(AuditEvent))
            for r in await rows(
                AuditEvent,
                or_(AuditEvent.actor_id == user.id, AuditEvent.target_id == str(user.id)),
                order=AuditEvent.occurred_at,
            )
        ],
    }


async def export(session: AsyncSession, user: User, ctx: RequestContext) -> dict[str, list[dict[str, Any]]]:
    data = await collect(session, user)
    await audit.record(session, ctx, "data.exported", target_type="user", target_id=user.id)
    return data


def as_zip(data: dict[str, list[dict[str, Any]]]) -> bytes:
    """One CSV per table, plus the same export as JSON."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(data, indent=2, default=str))
        for name, records in data.items():
            text = io.StringIO()
            fields = sorted({key for record in records for key in record})
            writer = csv.DictWriter(text, fieldnames=fields)
            writer.writeheader()
            for record in records:
                writer.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in record.items()})
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


async def erase(session: AsyncSession, user: User, ctx: RequestContext) -> None:
    """Delete the account and everything self-reported (the database cascades from the user), then recompute the
    team rollups those rows were part of, so aggregates stay exactly what the remaining people give."""
    if user.role == Role.admin and await count_active_admins(session) <= 1:
        raise LastAdmin("You are the last active admin; make someone else admin before erasing your account.")
    affected: set[tuple[uuid.UUID, date]] = set()
    for model in (CheckIn, SurveyResponse):
        found = await session.execute(
            select(model.department_id, model.date).where(model.user_id == user.id, model.department_id.is_not(None))
        )
        affected.update((d, analytics.week_of(day)) for d, day in found if d is not None)
    results = await session.execute(select(MemberResult.completed_at).where(MemberResult.user_id == user.id))
    if user.department_id is not None:
        affected.update((user.department_id, analytics.week_of(c.date())) for (c,) in results)
    user_id = user.id
    await session.delete(user)
    await session.flush()
    for department_id, week in sorted(affected):
        await analytics.refresh(session, department_id, week)
    # The record says that an erasure happened, never what was erased.
    await audit.record(session, ctx, "user.erased", target_type="user", target_id=user_id, actor_id=user_id)
