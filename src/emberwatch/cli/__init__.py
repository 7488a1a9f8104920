"""The `emberwatch` command (SPEC §4): run, serve, migrate, demo, train, risk, users."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated

import typer

from emberwatch.cli.common import console
from emberwatch.cli.risk import risk_app, train
from emberwatch.cli.users import users_app
from emberwatch.cli.workload import workload_app
from emberwatch.core.config import get_settings

app = typer.Typer(help="Emberwatch: an early warning of burnout.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(risk_app, name="risk")
app.add_typer(workload_app, name="workload")
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
def worker(
    workers: Annotated[int | None, typer.Option(min=1, help="Worker threads (default from settings).")] = None,
) -> None:
    """Run the background job worker (huey): analyses, syncs and the periodic reaper."""
    from emberwatch.core.logging import configure_logging
    from emberwatch.worker import create_jobs

    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    jobs = create_jobs(settings)
    consumer = jobs.huey.create_consumer(
        workers=workers or settings.jobs.workers, worker_type="thread", periodic=True, check_worker_health=True
    )
    console.print(f"Worker started with {workers or settings.jobs.workers} thread(s); tasks: {', '.join(jobs.names)}")
    consumer.run()


analytics_app = typer.Typer(help="Team analytics.", no_args_is_help=True)
app.add_typer(analytics_app, name="analytics")


@analytics_app.command("rebuild")
def analytics_rebuild() -> None:
    """Recompute every department-week rollup from the raw check-ins, questionnaires and workload results."""
    from emberwatch.analytics import service
    from emberwatch.core.runner import in_transaction

    weeks = in_transaction(get_settings(), service.rebuild)
    console.print(f"[green]Rebuilt {weeks} department-week rollup(s).[/green]")


@app.command()
def demo() -> None:
    """Fill an empty database with a demo organisation: departments, people, 90 days of check-ins."""
    from emberwatch.cli.demo import create_demo

    create_demo()


@app.command()
def run(host: HostOption = "127.0.0.1", port: PortOption = 8000, workers: WorkersOption = 1) -> None:
    """Migrate, train a model if none is active, fill an empty database with the demo, start a worker and the API."""
    from emberwatch.cli.demo import create_demo, database_is_empty
    from emberwatch.cli.risk import active_model_version

    migrate()
    if active_model_version() is None:
        console.print("No active risk model: training one on simulated data (under a minute).")
        train(activate=True)
    if database_is_empty():
        create_demo()
    # The job worker runs beside the API, as its own process (huey's consumer installs signal handlers).
    worker_process = subprocess.Popen([sys.executable, "-m", "emberwatch", "worker"])
    console.print(f"[bold]Emberwatch[/bold] on http://{host}:{port} — API docs at http://{host}:{port}/docs")
    try:
        serve(host=host, port=port, workers=workers)
    finally:
        worker_process.terminate()
        try:
            worker_process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker_process.kill()


__all__ = ["app"]
