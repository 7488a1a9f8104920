"""`emberwatch train` and `emberwatch risk simulate|score|evaluate`, end to end on a SQLite database."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from emberwatch.cli import app
from emberwatch.core.config import get_settings
from emberwatch.ml import registry
from emberwatch.ml.training import ALGORITHMS

runner = CliRunner()
SIMULATE_NEW_PEOPLE = ["--users", "20", "--days", "20", "--seed", "99"]
OUTPUT_HEADER = ["user_id", "date", "risk_level", "p_low", "p_moderate", "p_high", "at_risk", "days_in_window"]


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("EMBERWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'var' / 'cli.sqlite3'}")
    monkeypatch.setenv("EMBERWATCH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    migrated = runner.invoke(app, ["migrate"])
    assert migrated.exit_code == 0, migrated.output
    yield tmp_path
    get_settings.cache_clear()


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_train_then_score_and_evaluate_new_people(cli_env: Path) -> None:
    report_dir = cli_env / "report"
    trained = runner.invoke(
        app,
        ["train", "--users", "60", "--days", "40", "--seed", "5", "--activate", "--report-dir", str(report_dir)],
    )
    assert trained.exit_code == 0, trained.output
    for name in ("report.md", "calibration.png", "confusion_matrices.png"):
        assert (report_dir / name).stat().st_size > 0, name

    versions = sorted(p for p in (cli_env / "data" / "models").iterdir() if not p.name.startswith("."))
    assert len(versions) == 4
    assert sorted(p.name.split("-", 1)[1] for p in versions) == sorted(ALGORITHMS)
    for path in versions:
        assert (path / "card.json").is_file()
        assert (path / "model.npz").is_file()
        registry.load(cli_env / "data", path.name)  # each one loads (its sha256 matches its card)
    chosen = [s.version for s in registry.list_stored(cli_env / "data") if s.card["selected"]]
    assert len(chosen) == 1
    active = chosen[0]
    assert active in trained.output

    simulated = runner.invoke(
        app,
        ["risk", "simulate", "--checkins", "new.csv", "--labels", "labels.csv", *SIMULATE_NEW_PEOPLE],
    )
    assert simulated.exit_code == 0, simulated.output
    checkins = _rows(cli_env / "new.csv")
    assert checkins[0] == ["user_id", "date", "exhaustion", "capability", "meaningfulness"]
    assert len(checkins) > 100

    scored = runner.invoke(app, ["risk", "score", "--input", "new.csv", "--output", "out.csv"])
    assert scored.exit_code == 0, scored.output
    assert active in scored.output
    out = _rows(cli_env / "out.csv")
    assert out[0] == OUTPUT_HEADER
    assert len(out) == len(checkins)
    assert [r[:2] for r in out[1:]] == [r[:2] for r in checkins[1:]]
    for row in out[1:]:
        assert row[2] in ("low", "moderate", "high")
        assert abs(sum(float(v) for v in row[3:6]) - 1.0) < 1e-4
        assert row[6] in ("true", "false")
        assert 1 <= int(row[7]) <= 7

    evaluated = runner.invoke(app, ["risk", "evaluate", "--input", "new.csv", "--labels", "labels.csv", "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    metrics = json.loads(evaluated.stdout)
    for key in ("macro_roc_auc", "brier", "log_loss", "per_class", "confusion_matrix", "model_version"):
        assert key in metrics, key
    assert metrics["model_version"] == active
    assert set(metrics["per_class"]) == {"low", "moderate", "high"}
    assert sum(map(sum, metrics["confusion_matrix"])) == len(checkins) - 1
    assert 0.5 < metrics["macro_roc_auc"] <= 1.0

    readable = runner.invoke(app, ["risk", "evaluate", "--input", "new.csv", "--labels", "labels.csv"])
    assert readable.exit_code == 0, readable.output
    assert "macro ROC-AUC" in readable.output


def test_without_an_active_model_scoring_uses_the_baseline(cli_env: Path) -> None:
    (cli_env / "in.csv").write_text("user_id,date,exhaustion,capability,meaningfulness\nu1,2026-01-05,6,0,0\n")
    result = runner.invoke(app, ["risk", "score", "--input", "in.csv", "--output", "out.csv"])
    assert result.exit_code == 0, result.output
    assert "kalimo-rule-v1" in result.output
    assert _rows(cli_env / "out.csv")[1][:3] == ["u1", "2026-01-05", "high"]


def test_a_malformed_csv_is_refused_with_its_line_number(cli_env: Path) -> None:
    (cli_env / "bad.csv").write_text(
        "user_id,date,exhaustion,capability,meaningfulness\nu1,2026-01-05,3,4,5\nu1,2026-01-32,3,4,5\n"
    )
    result = runner.invoke(app, ["risk", "score", "--input", "bad.csv", "--output", "out.csv"])
    assert result.exit_code == 2, result.output
    assert "line 3" in result.output
    assert "Traceback" not in result.output
    assert not (cli_env / "out.csv").exists()


def test_a_missing_input_file_is_refused(cli_env: Path) -> None:
    result = runner.invoke(app, ["risk", "score", "--input", "nowhere.csv", "--output", "out.csv"])
    assert result.exit_code == 2, result.output
    assert "nowhere.csv" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_model_version_is_refused(cli_env: Path) -> None:
    (cli_env / "in.csv").write_text("user_id,date,exhaustion,capability,meaningfulness\nu1,2026-01-05,3,4,5\n")
    result = runner.invoke(app, ["risk", "score", "--input", "in.csv", "--output", "out.csv", "--model", "nope-v1"])
    assert result.exit_code == 1, result.output
    assert "nope-v1" in result.output
    assert "Traceback" not in result.output


def test_a_csv_with_a_byte_order_mark_is_accepted(cli_env: Path) -> None:
    (cli_env / "excel.csv").write_text(
        "\ufeffuser_id,date,exhaustion,capability,meaningfulness\nu1,2026-01-05,3,4,5\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["risk", "score", "--input", "excel.csv", "--output", "out.csv"])
    assert result.exit_code == 0, result.output
