"""Model artifacts on disk: what is saved loads back the same, the card describes it, and a damaged or unknown
artifact is refused with ArtifactError."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from emberwatch.ml import registry
from emberwatch.ml.predictor import RiskModel, baseline_model
from emberwatch.ml.simulator import SimulationConfig, simulate
from emberwatch.ml.training import TrainingRun, train

CARD = {"created_at": "2026-03-01T12:00:00+00:00", "metrics": {"test": {"macro_roc_auc": 0.9}}}


@pytest.fixture(scope="module")
def run() -> TrainingRun:
    return train(simulate(SimulationConfig(users=60, days=40, seed=3)), seed=3)


def _models(run: TrainingRun) -> list[RiskModel]:
    """A calibrated linear, forest and boosted model, and the uncalibrated baseline rule."""
    return [c.model for c in run.candidates if c.algorithm != "kalimo_rule"] + [baseline_model(threshold=0.37)]


def _random_inputs(n: int = 400) -> np.ndarray:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 6, (n, 4))
    x[:, 3] = rng.integers(1, 8, n)
    return x


def test_save_then_load_gives_the_same_model(tmp_path: Path, run: TrainingRun) -> None:
    x = _random_inputs()
    for model in _models(run):
        registry.save(tmp_path, model, CARD)
        loaded = registry.load(tmp_path, model.version)
        assert loaded.version == model.version
        assert loaded.algorithm == model.algorithm
        assert loaded.threshold == model.threshold
        assert (loaded.calibration is None) == (model.calibration is None)
        np.testing.assert_array_equal(loaded.proba(x), model.proba(x), err_msg=model.algorithm)
        np.testing.assert_array_equal(
            loaded.scorer.contributions(x[0]), model.scorer.contributions(x[0]), err_msg=model.algorithm
        )


def test_the_card_describes_the_artifact(tmp_path: Path, run: TrainingRun) -> None:
    model = next(c.model for c in run.candidates if c.algorithm == "xgboost")
    stored = registry.save(tmp_path, model, CARD)
    card = json.loads((stored.path / registry.CARD).read_text())
    assert card == stored.card
    assert card["version"] == model.version
    assert card["algorithm"] == "xgboost"
    assert card["features"] == ["ee_7d", "pa_7d", "dp_7d", "days_in_window"]
    assert card["threshold_p_high"] == pytest.approx(model.threshold, abs=1e-6)
    assert datetime.fromisoformat(card["created_at"]) == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert card["metrics"] == CARD["metrics"]
    assert card["sha256"] == hashlib.sha256((stored.path / registry.ARTIFACT).read_bytes()).hexdigest()
    assert stored.path == tmp_path / "models" / model.version


def test_a_tampered_artifact_is_refused(tmp_path: Path) -> None:
    stored = registry.save(tmp_path, baseline_model(), CARD)
    artifact = stored.path / registry.ARTIFACT
    payload = bytearray(artifact.read_bytes())
    payload[len(payload) // 2] ^= 0x01
    artifact.write_bytes(bytes(payload))
    with pytest.raises(registry.ArtifactError, match="sha256"):
        registry.load(tmp_path, stored.version)


def test_saving_a_version_twice_is_refused(tmp_path: Path) -> None:
    registry.save(tmp_path, baseline_model(), CARD)
    with pytest.raises(registry.ArtifactError, match="already exists"):
        registry.save(tmp_path, baseline_model(threshold=0.9), CARD)
    # The first artifact is untouched.
    assert registry.load(tmp_path, baseline_model().version).threshold == 0.5


def test_list_stored_lists_saved_versions(tmp_path: Path, run: TrainingRun) -> None:
    assert registry.list_stored(tmp_path) == []
    models = _models(run)
    for model in models:
        registry.save(tmp_path, model, CARD)
    stored = registry.list_stored(tmp_path)
    assert sorted(s.version for s in stored) == sorted(m.version for m in models)
    assert all(s.card["version"] == s.version for s in stored)


@pytest.mark.parametrize("version", ["..", "../models", "x/../kalimo-rule-v1", "../../etc", "missing-v9", ""])
def test_loading_an_unknown_or_escaping_version_is_refused(tmp_path: Path, version: str) -> None:
    registry.save(tmp_path, baseline_model(), CARD)
    with pytest.raises(registry.ArtifactError):
        registry.load(tmp_path, version)


def test_dot_dot_never_reaches_outside_the_models_directory(tmp_path: Path) -> None:
    stored = registry.save(tmp_path, baseline_model(), CARD)
    for name in (registry.ARTIFACT, registry.CARD):
        shutil.copy(stored.path / name, tmp_path / name)
    with pytest.raises(registry.ArtifactError):
        registry.load(tmp_path, "..")


def test_a_missing_artifact_file_is_refused(tmp_path: Path) -> None:
    stored = registry.save(tmp_path, baseline_model(), CARD)
    (stored.path / registry.ARTIFACT).unlink()
    with pytest.raises(registry.ArtifactError):
        registry.load(tmp_path, stored.version)


def test_a_corrupt_card_is_refused(tmp_path: Path) -> None:
    stored = registry.save(tmp_path, baseline_model(), CARD)
    (stored.path / registry.CARD).write_text("{not json")
    with pytest.raises(registry.ArtifactError):
        registry.load(tmp_path, stored.version)


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    stored = registry.save(tmp_path, baseline_model(), CARD)
    card = json.loads((stored.path / registry.CARD).read_text())
    (stored.path / registry.CARD).write_text(json.dumps({**card, "format": 99}))
    with pytest.raises(registry.ArtifactError, match="format"):
        registry.load(tmp_path, stored.version)


def test_a_half_written_version_is_not_listed(tmp_path: Path) -> None:
    registry.save(tmp_path, baseline_model(), CARD)
    (registry.models_dir(tmp_path) / ".next-v2.tmp").mkdir()
    assert [s.version for s in registry.list_stored(tmp_path)] == [baseline_model().version]
