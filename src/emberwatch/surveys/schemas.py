from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from emberwatch.surveys.instruments import INSTRUMENTS, InstrumentName


class ScaleOption(BaseModel):
    value: int
    label: str


class ItemOut(BaseModel):
    number: int
    text: str
    reversed: bool
    scale: list[ScaleOption]


class InstrumentOut(BaseModel):
    name: InstrumentName
    title: str
    instructions: str
    items: list[ItemOut]
    score_range: tuple[float, float]
    higher_is_worse: bool
    burnout: bool
    source: str


class ResponseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument: InstrumentName
    answers: list[int] = Field(min_length=1, max_length=20, description="One value per item, on the item's scale.")

    @field_validator("answers")
    @classmethod
    def _on_the_scale(cls, answers: list[int], info: ValidationInfo) -> list[int]:
        name = info.data.get("instrument")
        if name is None:
            return answers  # the instrument itself was invalid; that error is reported
        items = INSTRUMENTS[name].items
        if len(answers) != len(items):
            raise ValueError(f"{name} has {len(items)} items; got {len(answers)} answers")
        for number, (item, answer) in enumerate(zip(items, answers, strict=True), start=1):
            if answer not in item.scale:
                allowed = ", ".join(str(v) for v in sorted(item.scale))
                raise ValueError(f"item {number} ({item.text!r}) must be one of {allowed}; got {answer}")
        return answers


class ResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    instrument: InstrumentName
    date: date
    answers: list[int]
    score: float
    band: str
    detail: dict[str, Any]
    created_at: datetime


class TrendPoint(BaseModel):
    date: date
    created_at: datetime
    instrument: Literal["cbi_personal", "cbi_work"]
    score: float
    band: str


class BurnoutTrend(BaseModel):
    user_id: uuid.UUID
    points: list[TrendPoint] = Field(description="Burnout questionnaire scores, oldest first.")
    latest: dict[str, TrendPoint]
    change: dict[str, float] = Field(description="Latest minus first score per scale (positive: more burnout).")
