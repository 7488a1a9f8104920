"""Train and write artifacts and the report; export simulated data as CSV. Used by the CLI and the demo."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from emberwatch.ml import registry, report
from emberwatch.ml.kalimo import LEVELS
from emberwatch.ml.simulator import Simulation, SimulationConfig, simulate
from emberwatch.ml.training import Progress, TrainingRun, train


def train_and_save(
    config: SimulationConfig,
    data_dir: Path,
    *,
    report_dir: Path | None = None,
    progress: Progress = lambda _: None,
) -> tuple[TrainingRun, list[registry.StoredModel]]:
    """Every candidate becomes a version (`<run>-<algorithm>`); the report sits next to the chosen one."""
    progress("simulate")
    run = train(simulate(config), seed=config.seed, progress=progress)
    progress("write")
    stored = [registry.save(data_dir, c.model, report.card(run, c)) for c in run.candidates]
    chosen = next(s for s in stored if s.card["selected"])
    report.write(run, chosen.path)
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name in ("report.md", "calibration.png", "confusion_matrices.png"):
            shutil.copy(chosen.path / name, report_dir / name)
    return run, stored


def write_csv(sim: Simulation, checkins: Path, labels: Path | None = None) -> int:
    """The simulated check-ins in the batch-scoring format, and (optionally) the latent label of each window."""
    rows = 0
    dates = sim.dates
    with checkins.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["user_id", "date", "exhaustion", "capability", "meaningfulness"])
        label_writer = None
        label_handle = labels.open("w", newline="") if labels else None
        try:
            if label_handle is not None:
                label_writer = csv.writer(label_handle)
                label_writer.writerow(["user_id", "date", "risk_level"])
            for u in range(sim.config.users):
                for d, day in enumerate(dates):
                    if sim.exhaustion[u, d] < 0:
                        continue
                    user = sim.user_id(u)
                    writer.writerow(
                        [user, day.isoformat(), sim.exhaustion[u, d], sim.capability[u, d], sim.meaningfulness[u, d]]
                    )
                    if label_writer is not None:
                        label_writer.writerow([user, day.isoformat(), LEVELS[int(sim.label[u, d])]])
                    rows += 1
        finally:
            if label_handle is not None:
                label_handle.close()
    return rows
