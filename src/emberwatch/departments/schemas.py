from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

DepartmentName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class DepartmentOut(BaseModel):
    id: uuid.UUID
    name: str
    parent_id: uuid.UUID | None
    manager_ids: list[uuid.UUID]


class DepartmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: DepartmentName
    parent_id: uuid.UUID | None = None
    manager_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)


class DepartmentUpdate(BaseModel):
    """Fields left out are unchanged; `parent_id: null` makes it a top-level department."""

    model_config = ConfigDict(extra="forbid")

    name: DepartmentName | None = None
    parent_id: uuid.UUID | None = None
    manager_ids: list[uuid.UUID] | None = Field(default=None, max_length=50)
