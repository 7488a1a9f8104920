"""The model registry: which trained versions exist, which one is active, and switching between them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.audit import service as audit
from emberwatch.core.context import RequestContext
from emberwatch.core.pagination import PageParams
from emberwatch.ml import registry
from emberwatch.risk import repository
from emberwatch.risk.exceptions import ArtifactUnavailable, ModelNotFound
from emberwatch.risk.models import RiskModelVersion
from emberwatch.risk.serving import ModelHolder


async def list_page(session: AsyncSession, params: PageParams) -> tuple[list[RiskModelVersion], int]:
    return await repository.page(session, params)


async def active_version(session: AsyncSession) -> str | None:
    return await repository.active_version(session)


def _headline(card: dict[str, Any]) -> dict[str, Any]:
    test = card.get("metrics", {}).get("test", {})
    keys = ("macro_roc_auc", "brier", "log_loss", "accuracy", "macro_f1")
    return {k: test[k] for k in keys if k in test} | {"threshold_p_high": card.get("threshold_p_high")}


async def register(session: AsyncSession, stored: registry.StoredModel) -> RiskModelVersion:
    """Record an artifact written by training (idempotent: registering twice changes nothing)."""
    existing = await repository.get(session, stored.version)
    if existing is not None:
        return existing
    row = RiskModelVersion(
        version=stored.version,
        algorithm=stored.card["algorithm"],
        created_at=datetime.fromisoformat(stored.card["created_at"]),
        sha256=stored.card["sha256"],
        metrics=_headline(stored.card),
    )
    session.add(row)
    await session.flush()
    return row


async def mark_active(session: AsyncSession, row: RiskModelVersion, ctx: RequestContext, now: datetime) -> None:
    """Record `row` as the one active version (API processes pick it up within their refresh interval)."""
    previous = await repository.active_version(session)
    await repository.deactivate_all(session)
    row.is_active = True
    row.activated_at = now
    row.activated_by = ctx.actor_id
    await session.flush()
    await audit.record(
        session, ctx, "model.activated", target_type="risk_model", target_id=row.version, previous=previous
    )


async def activate(
    session: AsyncSession, holder: ModelHolder, data_dir: Path, version: str, ctx: RequestContext, now: datetime
) -> RiskModelVersion:
    """Make `version` the one every process serves; this process switches at once, the others within seconds."""
    row = await repository.get(session, version)
    if row is None:
        raise ModelNotFound(f"No model version {version!r}.")
    try:
        model = await anyio.to_thread.run_sync(registry.load, data_dir, version)
    except (registry.ArtifactError, OSError) as exc:
        raise ArtifactUnavailable(f"Model {version} cannot be loaded here: {exc}") from exc
    previous = await repository.active_version(session)
    await repository.deactivate_all(session)
    row.is_active = True
    row.activated_at = now
    row.activated_by = ctx.actor_id
    await session.flush()
    await audit.record(session, ctx, "model.activated", target_type="risk_model", target_id=version, previous=previous)
    holder.install(model)
    holder.recheck_soon()  # if this transaction does not commit, the next request puts the old one back
    return row
