from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from emberwatch.core.db import Base, utcnow


class DepartmentWeek(Base):
    """Everything team views need about one department in one ISO week, kept current as data arrives so that no
    dashboard scans raw check-ins. Sums and counts (not means) so that sub-departments add up exactly."""

    __tablename__ = "department_weeks"

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    week_start: Mapped[date] = mapped_column(primary_key=True)
    participants: Mapped[int] = mapped_column(default=0)
    checkins: Mapped[int] = mapped_column(default=0)
    sum_ee: Mapped[float] = mapped_column(Float, default=0.0)
    sum_pa: Mapped[float] = mapped_column(Float, default=0.0)
    sum_dp: Mapped[float] = mapped_column(Float, default=0.0)
    risk_low: Mapped[int] = mapped_column(default=0)
    risk_moderate: Mapped[int] = mapped_column(default=0)
    risk_high: Mapped[int] = mapped_column(default=0)
    at_risk: Mapped[int] = mapped_column(default=0)
    cbi_respondents: Mapped[int] = mapped_column(default=0)
    cbi_work_sum: Mapped[float] = mapped_column(Float, default=0.0)
    workload_members: Mapped[int] = mapped_column(default=0)
    workload_low: Mapped[int] = mapped_column(default=0)
    workload_medium: Mapped[int] = mapped_column(default=0)
    workload_high: Mapped[int] = mapped_column(default=0)
    workload_critical: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
