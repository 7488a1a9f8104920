from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from emberwatch.core.db import Base, utcnow


class RiskModelVersion(Base):
    """A trained model whose artifact lives under `<data_dir>/models/<version>/`; at most one is active."""

    __tablename__ = "risk_models"
    __table_args__ = (
        Index(
            "uq_risk_models_one_active",
            "is_active",
            unique=True,
            postgresql_where=text("is_active"),
            sqlite_where=text("is_active"),
        ),
    )

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(default=False)
    activated_at: Mapped[datetime | None]
    activated_by: Mapped[uuid.UUID | None]
