"""`emberwatch demo`: create the demo organisation and print its passwords once."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.table import Table

from emberwatch.cli.common import console
from emberwatch.core.config import get_settings


def database_is_empty() -> bool:
    from emberwatch import demo
    from emberwatch.core.runner import in_transaction

    return in_transaction(get_settings(), demo.is_empty)


def create_demo() -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    from emberwatch import demo
    from emberwatch.auth.service import AuthKit
    from emberwatch.core.runner import in_transaction
    from emberwatch.ml import registry
    from emberwatch.ml.predictor import RiskModel, baseline_model
    from emberwatch.risk import service as risk

    settings = get_settings()

    async def work(session: AsyncSession) -> list[demo.DemoAccount]:
        if not await demo.is_empty(session):
            console.print("[red]The database already has accounts; the demo only fills an empty one.[/red]")
            raise typer.Exit(1)
        version = await risk.active_version(session)
        model: RiskModel = registry.load(settings.data_dir, version) if version else baseline_model()
        return await demo.build(session, AuthKit.from_settings(settings), model, datetime.now(UTC).date())

    accounts = in_transaction(settings, work)
    table = Table("email", "password", "role", "department", title="Demo accounts (passwords are shown only now)")
    for a in accounts:
        table.add_row(a.email, a.password, a.role, a.department or "—")
    console.print(table)
    console.print(f"{len(accounts)} accounts with {demo.HISTORY_DAYS} days of simulated check-ins.")
