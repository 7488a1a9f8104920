"""The `emberwatch` command (SPEC §4): run, serve, migrate, demo, train, risk, users."""

from __future__ import annotations

from typing import Annotated

import typer

from emberwatch.cli.common import console
from emberwatch.cli.risk import risk_app, train
from emberwatch.cli.users import users_app
from emberwatch.core.config import get_settings

app = typer.Typer(help="Emberwatch: an early warning of burnout.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(risk_app, name="risk")
app.command()(train)

HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
PortOption = Annotated[int, typer.Option(help="Port to listen on.")]
WorkersOption = Annotated[int, typer.Option(min=1, help="API worker processes.")]


@app.command()
def migrate(revision: Annotated[str, typer.Option(help="Target revision.")] = "head") -> None:
    """Apply the database migrations."""
    from emberwatch.core import migrations

    migrations.upgrade(get_settings().database_url, revision)
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
def demo() -> None:
    """Fill an empty database with a demo organisation: departments, people, 90 days of check-ins."""
    from emberwatch.cli.demo import create_demo

    create_demo()


@app.command()
def run(host: HostOption = "127.0.0.1", port: PortOption = 8000, workers: WorkersOption = 1) -> None:
    """Migrate, train a model if none is active, create the demo organisation if the database is empty, serve."""
    from emberwatch.cli.demo import create_demo, database_is_empty
    from emberwatch.cli.risk import active_model_version

    migrate()
    if active_model_version() is None:
        console.print("No active risk model: training one on simulated data (under a minute).")
        train(activate=True)
    if database_is_empty():
        create_demo()
    console.print(f"[bold]Emberwatch[/bold] on http://{host}:{port} — API docs at http://{host}:{port}/docs")
    serve(host=host, port=port, workers=workers)


__all__ = ["app"]
