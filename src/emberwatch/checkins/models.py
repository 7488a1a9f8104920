from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from emberwatch.core.db import Base, CreatedAt, UUIDPrimaryKey


class CheckIn(UUIDPrimaryKey, CreatedAt, Base):
    """One person's three-tap self-assessment for one calendar day in their own time zone."""

    __tablename__ = "checkins"
    __table_args__ = (
        # The database, not the code, guarantees one check-in per person and day, even under concurrent submits.
        UniqueConstraint("user_id", "date", name="uq_checkins_user_day"),
        UniqueConstraint("user_id", "idempotency_key", name="uq_checkins_user_idempotency_key"),
        Index("ix_checkins_department_date", "department_id", "date"),
        CheckConstraint("exhaustion BETWEEN 0 AND 6", name="exhaustion_range"),
        CheckConstraint("capability BETWEEN 0 AND 6", name="capability_range"),
        CheckConstraint("meaningfulness BETWEEN 0 AND 6", name="meaningfulness_range"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The author's department when they checked in: team rollups keep history where it happened.
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    date: Mapped[date]
    exhaustion: Mapped[int] = mapped_column(SmallInteger)
    capability: Mapped[int] = mapped_column(SmallInteger)
    meaningfulness: Mapped[int] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(String(500))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))


class Prediction(UUIDPrimaryKey, CreatedAt, Base):
    """The risk estimate made when a check-in arrived, with the model version that made it."""

    __tablename__ = "predictions"
    __table_args__ = (
        Index("ix_predictions_user_date", "user_id", "date"),
        CheckConstraint("risk_level IN ('low', 'moderate', 'high')", name="risk_level_known"),
    )

    checkin_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    date: Mapped[date]
    model_version: Mapped[str] = mapped_column(String(64))
    risk_level: Mapped[str] = mapped_column(String(10))
    p_low: Mapped[float] = mapped_column(Float)
    p_moderate: Mapped[float] = mapped_column(Float)
    p_high: Mapped[float] = mapped_column(Float)
    at_risk: Mapped[bool]
    days_in_window: Mapped[int] = mapped_column(SmallInteger)
    ee_7d: Mapped[float] = mapped_column(Float)
    pa_7d: Mapped[float] = mapped_column(Float)
    dp_7d: Mapped[float] = mapped_column(Float)
    explanation: Mapped[list[Any]] = mapped_column(JSON, default=list)
