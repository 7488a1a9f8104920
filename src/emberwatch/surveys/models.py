from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from emberwatch.core.db import Base, CreatedAt, UUIDPrimaryKey


class SurveyResponse(UUIDPrimaryKey, CreatedAt, Base):
    """One completed questionnaire, scored when it arrived. Self-reported: private to its author."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_user_created", "user_id", "created_at"),
        Index("ix_survey_responses_department_date", "department_id", "date"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    instrument: Mapped[str] = mapped_column(String(32))
    date: Mapped[date]
    answers: Mapped[list[int]] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
