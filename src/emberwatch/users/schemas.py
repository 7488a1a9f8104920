from __future__ import annotations

import uuid
from datetime import datetime, time

from pydantic import BaseModel, ConfigDict

from emberwatch.core.validation import Email, Password, PersonName, TimezoneName
from emberwatch.users.models import Role


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    department_id: uuid.UUID | None
    timezone: str
    is_active: bool
    created_at: datetime


class ProfileOut(UserOut):
    """The caller's own profile: everything an admin sees, plus personal preferences."""

    reminder_time: time | None


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: PersonName | None = None
    timezone: TimezoneName | None = None
    reminder_time: time | None = None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    full_name: PersonName
    role: Role = Role.member
    department_id: uuid.UUID | None = None
    timezone: TimezoneName = "UTC"


class UserUpdate(BaseModel):
    """Admin changes to an account; fields left out are unchanged, `department_id: null` clears it."""

    model_config = ConfigDict(extra="forbid")

    full_name: PersonName | None = None
    role: Role | None = None
    department_id: uuid.UUID | None = None
    is_active: bool | None = None
