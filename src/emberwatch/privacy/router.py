from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status

from emberwatch.auth.dependencies import ActorContext, CurrentUser
from emberwatch.core.dependencies import SessionDep
from emberwatch.core.errors import BadRequest, responses
from emberwatch.core.routing import API_PREFIX
from emberwatch.privacy import service

router = APIRouter(prefix=f"{API_PREFIX}/me", tags=["data rights"])


@router.get(
    "/export",
    responses={**responses(401, 422), 200: {"content": {"application/json": {}, "application/zip": {}}}},
)
async def export(
    user: CurrentUser,
    session: SessionDep,
    ctx: ActorContext,
    format: Annotated[Literal["json", "zip"], Query(description="json, or zip for one CSV per table")] = "json",
) -> Any:
    """Everything Emberwatch stores about you: profile, check-ins, estimates, questionnaires, workload, logins."""
    data = await service.export(session, user, ctx)
    if format == "zip":
        return Response(
            service.as_zip(data),
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="emberwatch-export.zip"'},
        )
    return data


@router.delete("", status_code=status.HTTP_204_NO_CONTENT, responses=responses(400, 401, 409, 422))
async def erase(
    user: CurrentUser,
    session: SessionDep,
    ctx: ActorContext,
    confirm: Annotated[bool, Query(description="Must be true: erasure cannot be undone.")] = False,
) -> None:
    """Erase your account and everything you reported; team aggregates are recomputed without you."""
    if not confirm:
        raise BadRequest("Erasure cannot be undone: repeat the request with ?confirm=true.")
    await service.erase(session, user, ctx)
