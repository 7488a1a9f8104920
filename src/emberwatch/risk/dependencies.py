from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from emberwatch.core.dependencies import SessionDep
from emberwatch.ml.predictor import RiskModel
from emberwatch.risk.serving import ModelHolder


def _holder(request: Request) -> ModelHolder:
    holder: ModelHolder = request.app.state.models
    return holder


ModelHolderDep = Annotated[ModelHolder, Depends(_holder)]


async def _model(holder: ModelHolderDep, session: SessionDep) -> RiskModel:
    return await holder.model_for(session)


PredictorDep = Annotated[RiskModel, Depends(_model)]
