from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from emberwatch.core.db import Base, CreatedAt, UUIDPrimaryKey


class Integration(UUIDPrimaryKey, CreatedAt, Base):
    """A connection to an incident platform, owned by the manager or admin who made it."""

    __tablename__ = "integrations"
    __table_args__ = (CheckConstraint("platform IN ('rootly', 'pagerduty', 'import')", name="platform_known"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))
    # Fernet-encrypted; never returned by the API and never logged.
    token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    last_synced_at: Mapped[datetime | None]
    last_sync_status: Mapped[str | None] = mapped_column(String(16))
    last_sync_error: Mapped[str | None] = mapped_column(String(500))


class WorkloadPerson(UUIDPrimaryKey, Base):
    """Someone the platform knows, matched to Emberwatch users by email (case-insensitive)."""

    __tablename__ = "workload_people"
    __table_args__ = (UniqueConstraint("integration_id", "email", name="uq_workload_people_integration_email"),)

    integration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str | None] = mapped_column(String(64))


class WorkloadIncident(UUIDPrimaryKey, Base):
    """An incident in the normal form of SPEC §2.5, one row per responder."""

    __tablename__ = "workload_incidents"
    __table_args__ = (
        UniqueConstraint(
            "integration_id", "external_id", "responder_email", name="uq_workload_incidents_incident_responder"
        ),
        Index("ix_workload_incidents_integration_created", "integration_id", "created_at"),
    )

    integration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(128))
    responder_email: Mapped[str] = mapped_column(String(254))
    responder_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    severity: Mapped[str] = mapped_column(String(16), default="unknown")
    title: Mapped[str | None] = mapped_column(String(500))


class Analysis(UUIDPrimaryKey, CreatedAt, Base):
    """A workload analysis job: pending → running → completed | failed."""

    __tablename__ = "workload_analyses"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'running', 'completed', 'failed')", name="status_known"),
        Index("ix_workload_analyses_owner_created", "owner_id", "created_at"),
        Index("ix_workload_analyses_status", "status"),
    )

    integration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    time_range: Mapped[int]
    include_weekends: Mapped[bool]
    window_end: Mapped[datetime]
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error_message: Mapped[str | None] = mapped_column(String(1000))
    analysis_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class MemberResult(Base):
    """One member's result of a completed analysis, kept apart so a person's own latest result is one lookup."""

    __tablename__ = "workload_member_results"
    __table_args__ = (Index("ix_workload_member_results_user_completed", "user_id", "completed_at"),)

    analysis_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workload_analyses.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime]
    burnout_score: Mapped[float] = mapped_column(Float)
    risk_level: Mapped[str] = mapped_column(String(16))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
