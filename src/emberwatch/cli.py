"""The `emberwatch` command: run, serve, migrate and account administration (SPEC §4)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from emberwatch.core.config import get_settings

app = typer.Typer(help="Emberwatch: an early warning of burnout.", no_args_is_help=True)
users_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")
console = Console(stderr=True)

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.")]
WorkersOption = Annotated[int, typer.Option(min=1, help="API worker processes.")]


@app.command()
def migrate(revision: Annotated[str, typer.Option(help="Target revision.")] = "head") -> None:
    """Apply the database migrations."""
    from emberwatch.core import migrations

    settings = get_settings()
    migrations.upgrade(settings.database_url, revision)
    console.print(f"[green]Database at revision {revision}.[/green]")


@app.command()
def serve(host: HostOption = "127.0.0.1", port: PortOption = 8000, workers: WorkersOption = 1) -> None:
    """Start the API only."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "emberwatch.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        server_header=False,
    )


@app.command()
def run(host: HostOption = "127.0.0.1", port: PortOption = 8000, workers: WorkersOption = 1) -> None:
    """Migrate the database, then start the API (what `make run` calls)."""
    migrate()
    console.print(f"[bold]Emberwatch[/bold] on http://{host}:{port} — API docs at http://{host}:{port}/docs")
    serve(host=host, port=port, workers=workers)


@users_app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Option(prompt=True, help="The admin's email address.")],
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="12 to 128 characters."),
    ],
    full_name: Annotated[str, typer.Option(help="Display name.")] = "Administrator",
) -> None:
    """Create an admin account."""
    from pydantic import ValidationError

    from emberwatch.core.errors import AppError

    try:
        user_id = asyncio.run(_create_admin(email, password, full_name))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        console.print(f"[red]Invalid input: {problems}[/red]")
        raise typer.Exit(2) from exc
    except AppError as exc:
        console.print(f"[red]{exc.detail}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"[green]Admin {email} created ({user_id}).[/green]")


async def _create_admin(email: str, password: str, full_name: str) -> str:
    from emberwatch.auth.service import AuthKit
    from emberwatch.auth.service import create_admin as create
    from emberwatch.core.context import SYSTEM
    from emberwatch.core.db import create_engine, create_sessionmaker, session_scope

    settings = get_settings()
    engine = create_engine(settings)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            user = await create(session, AuthKit.from_settings(settings), email, password, full_name, SYSTEM)
        return str(user.id)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    app()
