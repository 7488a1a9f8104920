from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from emberwatch.workload.schemas import OwnWorkload

Item = Annotated[int, Field(ge=0, le=6, strict=True, description="0 (never) to 6 (every day)")]


class CheckInCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exhaustion: Item = Field(description="How emotionally drained by work do you feel today? 0–6")
    capability: Item = Field(description="How capable and effective at work do you feel today? 0–6")
    meaningfulness: Item = Field(description="How meaningful does your work feel today? 0–6")
    note: Annotated[str, StringConstraints(max_length=500)] | None = None
    date: dt.date | None = Field(
        default=None, description="The day this check-in is for (default: today in your time zone); past days only."
    )


class Probabilities(BaseModel):
    low: float
    moderate: float
    high: float


class WindowOut(BaseModel):
    ee_7d: float
    pa_7d: float
    dp_7d: float


class Contribution(BaseModel):
    feature: str
    contribution: float


class PredictionOut(BaseModel):
    risk_level: Literal["low", "moderate", "high"]
    probabilities: Probabilities
    at_risk: bool
    model_version: str
    days_in_window: int
    features: WindowOut
    explanation: list[Contribution]
    low_confidence: bool


class PredictionRecordOut(PredictionOut):
    id: uuid.UUID
    date: date
    created_at: datetime


class CheckInOut(BaseModel):
    id: uuid.UUID
    date: date
    exhaustion: int
    capability: int
    meaningfulness: int
    note: str | None
    created_at: datetime
    prediction: PredictionOut | None


class RollingWindow(BaseModel):
    exhaustion: float | None
    capability: float | None
    meaningfulness: float | None
    ee: float | None
    pa: float | None
    dp: float | None
    days: int


class HistoryDay(BaseModel):
    date: date
    exhaustion: int
    capability: int
    meaningfulness: int
    risk_level: Literal["low", "moderate", "high"] | None
    p_high: float | None


class Trend(BaseModel):
    direction: Literal["worsening", "improving", "stable", "insufficient_data"]
    change: float | None = Field(description="Change of the mean burnout composite, last 7 days minus the 7 before.")
    current: float | None
    previous: float | None


class Dashboard(BaseModel):
    today: date
    today_submitted: bool
    streak_days: int
    rolling_7d: RollingWindow
    latest_prediction: PredictionRecordOut | None
    history: list[HistoryDay]
    trend: Trend
    forecast: None = Field(default=None, description="Arrives with the stress forecast (SPEC §2.7).")
    workload: OwnWorkload | None = Field(
        default=None, description="Your own result in the latest workload analysis that included your email."
    )
