"""`?limit=&offset=` on every list, and the `{items, total}` body (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int


@dataclass(frozen=True)
class PageParams:
    limit: int = 20
    offset: int = 0


def _page_params(
    limit: Annotated[int, Query(ge=1, le=100, description="Items per page (max 100).")] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000, description="Items to skip.")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(_page_params)]
