from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints

Platform = Literal["rootly", "pagerduty", "import"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class IntegrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: Platform
    name: Name
    api_token: SecretStr | None = Field(
        default=None, min_length=8, max_length=512, description="Required for rootly and pagerduty; never returned."
    )


class IntegrationOut(BaseModel):
    id: uuid.UUID
    platform: Platform
    name: str
    created_at: datetime
    has_token: bool
    last_synced_at: datetime | None
    last_sync_status: Literal["queued", "running", "completed", "failed"] | None
    last_sync_error: str | None


class IntegrationCheck(BaseModel):
    ok: bool
    detail: str


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(30, ge=1, le=365, description="Fetch incidents created in the last `days` days.")


class SyncQueued(BaseModel):
    integration_id: uuid.UUID
    status: Literal["queued"]
    window_start: datetime
    window_end: datetime


class ImportResult(BaseModel):
    rows: int
    incidents: int
    people: int


class AnalysisRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    integration_id: uuid.UUID
    time_range: int = Field(30, ge=1, le=365, description="Days ending now.")
    include_weekends: bool = True


class AnalysisSummary(BaseModel):
    id: uuid.UUID
    integration_id: uuid.UUID
    status: Literal["pending", "running", "completed", "failed"]
    created_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    time_range: int
    include_weekends: bool
    error_message: str | None
    team_health: dict[str, Any] | None = Field(description="The headline of a completed analysis.")


class AnalysisOut(AnalysisSummary):
    analysis_data: dict[str, Any] | None


class OwnWorkload(BaseModel):
    """The caller's own result in the latest completed analysis that included their email."""

    analysis_id: uuid.UUID
    completed_at: datetime
    burnout_score: float
    risk_level: Literal["low", "medium", "high", "critical"]
    incident_count: int
    factors: dict[str, float]
    metrics: dict[str, Any]
