from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from emberwatch.core.db import Base, CreatedAt, UUIDPrimaryKey


class Department(UUIDPrimaryKey, CreatedAt, Base):
    __tablename__ = "departments"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)


class DepartmentManager(Base):
    """Who manages which department; a manager sees aggregates of it and of its sub-departments."""

    __tablename__ = "department_managers"

    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
