from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class ModelVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    version: str
    algorithm: str
    created_at: datetime
    sha256: str
    is_active: bool
    activated_at: datetime | None
    metrics: dict[str, Any]
