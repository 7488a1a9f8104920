"""The migrations build the schema the models describe, and can be undone and redone, on both databases."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from emberwatch.core import migrations
from emberwatch.models import Base


def _run(url: str, fn: Any) -> Any:
    async def go() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))


def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    expected = {t.name for t in Base.metadata.sorted_tables}
    assert _run(database_url, _tables) == expected
    migrations.downgrade(database_url, "base")
    assert _run(database_url, _tables) == set()
    migrations.upgrade(database_url, "head")
    assert _run(database_url, _tables) == expected


def test_models_and_migrations_agree(database_url: str) -> None:
    assert _run(database_url, _diff) == []
