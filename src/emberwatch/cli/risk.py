"""`emberwatch train` and `emberwatch risk …`: training, batch scoring and evaluation on CSV files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, TypeVar

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from emberwatch.cli.common import console
from emberwatch.core.config import get_settings

if TYPE_CHECKING:
    from emberwatch.ml.predictor import RiskModel

T = TypeVar("T")
risk_app = typer.Typer(help="Score and evaluate check-ins in CSV files.", no_args_is_help=True)

STEPS = {
    "simulate": "Simulating check-ins",
    "features": "Computing 7-day features",
    "kalimo_rule": "Evaluating the Kalimo rule",
    "logistic_regression": "Fitting logistic regression",
    "random_forest": "Fitting random forest",
    "xgboost": "Fitting XGBoost",
    "write": "Writing artifacts and report",
}


def active_model_version() -> str | None:
    from emberwatch.core.runner import in_transaction
    from emberwatch.risk import service

    return in_transaction(get_settings(), service.active_version)


def train(
    users: Annotated[int, typer.Option(min=30, max=100_000, help="Simulated people.")] = 1000,
    days: Annotated[int, typer.Option(min=14, max=3650, help="Days of check-ins per person.")] = 180,
    seed: Annotated[int, typer.Option(help="Seed of the simulation and the models.")] = 7,
    activate: Annotated[bool, typer.Option("--activate/--no-activate", help="Serve the chosen model.")] = False,
    report_dir: Annotated[Path | None, typer.Option(help="Also copy the report here (e.g. docs/model).")] = None,
) -> None:
    """Simulate, train and evaluate the baseline and three models; write artifacts, model cards and the report."""
    from datetime import UTC, datetime

    from emberwatch.core.context import SYSTEM
    from emberwatch.core.runner import in_transaction
    from emberwatch.ml.pipeline import train_and_save
    from emberwatch.ml.simulator import SimulationConfig
    from emberwatch.risk import service

    settings = get_settings()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("Starting", total=None)
        run, stored = train_and_save(
            SimulationConfig(users=users, days=days, seed=seed),
            settings.data_dir,
            report_dir=report_dir,
            progress=lambda step: bar.update(task, description=STEPS.get(step, step)),
        )

    async def record(session: object) -> None:
        from sqlalchemy.ext.asyncio import AsyncSession

        assert isinstance(session, AsyncSession)
        rows = [await service.register(session, s) for s in stored]
        if activate:
            chosen = next(r for r in rows if r.version.endswith(run.chosen))
            await service.mark_active(session, chosen, SYSTEM, datetime.now(UTC))

    in_transaction(settings, record)
    table = Table("model", "macro ROC-AUC", "Brier", "log-loss", "at-risk recall", "fit s", title=f"Run {run.run_id}")
    for c in run.candidates:
        mark = " ✓" if c.algorithm == run.chosen else ""
        table.add_row(
            c.algorithm + mark,
            f"{c.test['macro_roc_auc']:.3f}",
            f"{c.test['brier']:.3f}",
            f"{c.test['log_loss']:.3f}",
            f"{c.test['at_risk']['recall']:.2f}",
            f"{c.fit_seconds:.1f}",
        )
    console.print(table)
    chosen_version = f"{run.run_id}-{run.chosen}"
    state = "active" if activate else "not activated (use --activate or POST /api/v1/models/{version}/activate)"
    console.print(f"Trained in {run.total_seconds:.1f} s. Chosen: [bold]{chosen_version}[/bold], {state}.")
    console.print(f"Report: {settings.data_dir / 'models' / chosen_version / 'report.md'}")


def _model(version: str | None) -> RiskModel:
    from emberwatch.ml import registry
    from emberwatch.ml.predictor import baseline_model

    settings = get_settings()
    version = version or active_model_version()
    if version is None:
        console.print("[yellow]No active model: scoring with the Kalimo rule baseline.[/yellow]")
        return baseline_model()
    try:
        return registry.load(settings.data_dir, version)
    except registry.ArtifactError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


def _read(path: Path, reader: Callable[[TextIO], T]) -> T:
    from emberwatch.ml.batch import InputError

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:  # tolerate Excel's byte-order mark
            return reader(handle)
    except OSError as exc:
        console.print(f"[red]Cannot read {path}: {exc.strerror}[/red]")
        raise typer.Exit(2) from exc
    except UnicodeDecodeError as exc:
        console.print(f"[red]{path} is not UTF-8 text.[/red]")
        raise typer.Exit(2) from exc
    except InputError as exc:
        console.print(f"[red]{path} has {len(exc.problems)} problem(s):[/red]\n{exc}")
        raise typer.Exit(2) from exc


InputOption = Annotated[Path, typer.Option("--input", help="CSV: user_id,date,exhaustion,capability,meaningfulness")]
ModelOption = Annotated[str | None, typer.Option("--model", help="Model version (default: the active one).")]


@risk_app.command("score")
def score(
    input_path: InputOption,
    output: Annotated[Path, typer.Option(help="Where to write the predictions CSV.")],
    model_version: ModelOption = None,
) -> None:
    """Score every row from its user's 7-day window; writes one output row per input row."""
    from emberwatch.ml.batch import read_checkins, score, write_predictions

    rows = _read(input_path, read_checkins)
    model = _model(model_version)
    scored = score(rows, model)
    write_predictions(output, scored)
    console.print(f"Scored {len(scored)} rows with {model.version} → {output}")


@risk_app.command("evaluate")
def evaluate(
    input_path: InputOption,
    labels: Annotated[Path, typer.Option(help="CSV: user_id,date,risk_level")],
    model_version: ModelOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Score the check-ins and compare with known labels: per-class P/R/F1, ROC-AUC, Brier, log-loss, matrix."""
    import numpy as np

    from emberwatch.ml.batch import read_checkins, read_labels, score
    from emberwatch.ml.evaluation import evaluate as compute
    from emberwatch.ml.kalimo import LEVELS

    rows = _read(input_path, read_checkins)
    truth = _read(labels, read_labels)
    model = _model(model_version)
    scored = [r for r in score(rows, model) if (r["user_id"], _date(r["date"])) in truth]
    if len(scored) < 10:
        console.print(f"[red]Only {len(scored)} rows have a label; need at least 10.[/red]")
        raise typer.Exit(2)
    y = np.array([truth[(r["user_id"], _date(r["date"]))] for r in scored])
    proba = np.array([[r["p_low"], r["p_moderate"], r["p_high"]] for r in scored])
    metrics = compute(proba, y, model.threshold)
    if as_json:
        print(json.dumps({"model_version": model.version, **metrics}, indent=2))
        return
    table = Table("class", "precision", "recall", "F1", "support", title=f"{model.version} on {len(scored)} rows")
    for level in LEVELS:
        m = metrics["per_class"][level]
        table.add_row(level, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]))
    console.print(table)
    console.print(
        f"macro ROC-AUC {metrics['macro_roc_auc']:.3f} · Brier {metrics['brier']:.3f} · "
        f"log-loss {metrics['log_loss']:.3f} · accuracy {metrics['accuracy']:.3f}"
    )
    at_risk = metrics["at_risk"]
    console.print(
        f"at_risk (P(high) ≥ {at_risk['threshold']:.3f}): recall {at_risk['recall']:.3f}, "
        f"precision {at_risk['precision']:.3f}"
    )
    console.print(f"confusion matrix (rows true low/moderate/high): {metrics['confusion_matrix']}")


def _date(value: str) -> date:
    return date.fromisoformat(value)


@risk_app.command("simulate")
def simulate_csv(
    checkins: Annotated[Path, typer.Option(help="Where to write the check-ins CSV.")],
    labels: Annotated[Path | None, typer.Option(help="Where to write the latent labels CSV.")] = None,
    users: Annotated[int, typer.Option(min=1, max=100_000)] = 200,
    days: Annotated[int, typer.Option(min=7, max=3650)] = 60,
    seed: Annotated[int, typer.Option(help="Use a seed other than training's for unseen people.")] = 2027,
) -> None:
    """Write simulated check-ins (and their labels) of people no model has seen, for `score` and `evaluate`."""
    from emberwatch.ml.pipeline import write_csv
    from emberwatch.ml.simulator import SimulationConfig, simulate

    rows = write_csv(simulate(SimulationConfig(users=users, days=days, seed=seed)), checkins, labels)
    console.print(f"Wrote {rows} check-ins of {users} simulated people to {checkins}")
