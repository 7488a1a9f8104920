"""`emberwatch workload analyze`: the workload analysis of SPEC §2.5 on an exported file, offline."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from emberwatch.cli.common import console
from emberwatch.core.config import get_settings

workload_app = typer.Typer(help="Analyse on-call workload from incident files.", no_args_is_help=True)

CSV_COLUMNS = (
    "id,created_at,acknowledged_at,resolved_at,severity,responder_email,responder_name,responder_timezone,title"
)


@workload_app.command("analyze")
def analyze(
    input_path: Annotated[Path, typer.Option("--input", help=f"CSV with columns {CSV_COLUMNS}.")],
    days: Annotated[int, typer.Option(min=1, max=3650, help="Days in the window.")] = 30,
    end: Annotated[str | None, typer.Option(help="End of the window, ISO 8601 (default: now).")] = None,
    no_weekends: Annotated[bool, typer.Option("--no-weekends", help="Leave weekend incidents out.")] = False,
    output: Annotated[Path | None, typer.Option(help="Write the JSON here instead of standard output.")] = None,
) -> None:
    """Print the `analysis_data` JSON for the incidents created in [end − days, end)."""
    from emberwatch.workload.files import FileProblem, read_incident_csv
    from emberwatch.workload.scoring import Window
    from emberwatch.workload.scoring import analyze as run

    try:
        window_end = datetime.fromisoformat(end.replace("Z", "+00:00")) if end else datetime.now(UTC)
    except ValueError as exc:
        console.print(f"[red]--end must be an ISO 8601 timestamp, got {end!r}[/red]")
        raise typer.Exit(2) from exc
    window_end = window_end.replace(tzinfo=UTC) if window_end.tzinfo is None else window_end.astimezone(UTC)
    try:
        incidents, people = read_incident_csv(input_path)
    except FileProblem as exc:
        console.print(f"[red]{input_path}: {exc}[/red]")
        raise typer.Exit(2) from exc
    data = run(incidents, people, window=Window(window_end, days, not no_weekends), policy=get_settings().workload)
    if data["metadata"]["total_incidents"] == 0 and incidents.height:
        first, last = incidents.get_column("created_at").min(), incidents.get_column("created_at").max()
        span = f"{first!s} to {last!s}"
        console.print(f"[yellow]No incidents in the window; the file runs from {span} (use --end).[/yellow]")
    text = json.dumps(data, indent=2, default=str)
    if output:
        output.write_text(text)
        members, health = len(data["team_analysis"]["members"]), data["team_health"]["health_status"]
        console.print(f"Wrote {output}: {members} members, team health {health}")
    else:
        sys.stdout.write(text + "\n")
