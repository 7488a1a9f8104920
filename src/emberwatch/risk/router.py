from __future__ import annotations

from fastapi import APIRouter, Path

from emberwatch.auth.dependencies import ActorContext, AdminUser
from emberwatch.core.dependencies import NowDep, SessionDep, SettingsDep
from emberwatch.core.errors import responses
from emberwatch.core.pagination import Page, PageDep
from emberwatch.core.routing import API_PREFIX
from emberwatch.risk import service
from emberwatch.risk.dependencies import ModelHolderDep
from emberwatch.risk.schemas import ModelVersionOut

router = APIRouter(prefix=f"{API_PREFIX}/models", tags=["risk models"])


@router.get("", responses=responses(401, 403, 422))
async def list_models(_: AdminUser, session: SessionDep, page: PageDep) -> Page[ModelVersionOut]:
    """Trained model versions, newest first, with their headline test metrics and which one is active (admin)."""
    rows, total = await service.list_page(session, page)
    return Page(items=[ModelVersionOut.model_validate(r) for r in rows], total=total)


@router.post("/{version}/activate", responses=responses(401, 403, 404, 409, 422))
async def activate_model(
    version: str = Path(max_length=64, pattern=r"^[A-Za-z0-9._-]+$"),
    *,
    _: AdminUser,
    session: SessionDep,
    holder: ModelHolderDep,
    settings: SettingsDep,
    ctx: ActorContext,
    now: NowDep,
) -> ModelVersionOut:
    """Serve this version from now on, in every API process, without a restart (admin)."""
    row = await service.activate(session, holder, settings.data_dir, version, ctx, now)
    return ModelVersionOut.model_validate(row)
