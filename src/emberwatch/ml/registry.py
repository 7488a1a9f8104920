"""Model artifacts on disk: `<data_dir>/models/<version>/model.npz` and `card.json` (SPEC §2.2).

The card records the version, creation time, training data summary, metrics, threshold, library versions and the
sha256 of `model.npz`; loading refuses an artifact whose bytes do not match its card. Arrays only — no pickle — so
loading a model cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from emberwatch.ml.features import FEATURE_NAMES
from emberwatch.ml.predictor import (
    IsotonicCalibration,
    KalimoRuleScorer,
    LinearScorer,
    RiskModel,
    Scorer,
    TreeScorer,
)

ARTIFACT = "model.npz"
# Letters, digits, dot, dash, underscore, not starting with a dot: never a path outside the models directory.
VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
CARD = "card.json"
FORMAT = 1


class ArtifactError(Exception):
    """The artifact is missing, corrupt or of an unknown format."""


@dataclass(frozen=True)
class StoredModel:
    version: str
    path: Path
    card: dict[str, Any]


def models_dir(data_dir: Path) -> Path:
    return data_dir / "models"


def _arrays(model: RiskModel) -> dict[str, np.ndarray[Any, Any]]:
    scorer = model.scorer
    arrays: dict[str, np.ndarray[Any, Any]] = {"threshold": np.array([model.threshold])}
    if isinstance(scorer, LinearScorer):
        arrays |= {"mean": scorer.mean, "scale": scorer.scale, "coef": scorer.coef, "intercept": scorer.intercept}
    elif isinstance(scorer, TreeScorer):
        arrays |= {
            "feature": scorer.feature,
            "threshold_node": scorer.threshold,
            "left": scorer.left,
            "right": scorer.right,
            "value": scorer.value,
            "depth": np.array([scorer.depth]),
            "intercept": scorer.intercept,
        }
    if model.calibration is not None:
        for k, (x, y) in enumerate(zip(model.calibration.x, model.calibration.y, strict=True)):
            arrays[f"calibration_x_{k}"] = x
            arrays[f"calibration_y_{k}"] = y
    return arrays


def _scorer_kind(scorer: Scorer) -> str:
    if isinstance(scorer, LinearScorer):
        return "linear"
    if isinstance(scorer, TreeScorer):
        return f"trees_{scorer.kind}"
    return "kalimo_rule"


def save(data_dir: Path, model: RiskModel, card: dict[str, Any]) -> StoredModel:
    """Write the arrays and the card into a new version directory (atomically: a half-written one never loads)."""
    if not VERSION_PATTERN.fullmatch(model.version):
        raise ArtifactError(f"{model.version!r} is not a valid model version name")
    target = models_dir(data_dir) / model.version
    if target.exists():
        raise ArtifactError(f"model version {model.version} already exists")
    staging = target.with_name(f".{model.version}.tmp")
    staging.mkdir(parents=True, exist_ok=False)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **_arrays(model))  # type: ignore[arg-type]
    payload = buffer.getvalue()
    (staging / ARTIFACT).write_bytes(payload)
    full_card = {
        **card,
        "format": FORMAT,
        "version": model.version,
        "algorithm": model.algorithm,
        "scorer": _scorer_kind(model.scorer),
        "features": list(FEATURE_NAMES),
        "classes": ["low", "moderate", "high"],
        "threshold_p_high": round(model.threshold, 6),
        "calibrated": model.calibration is not None,
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    (staging / CARD).write_text(json.dumps(full_card, indent=2, default=str))
    staging.replace(target)
    return StoredModel(model.version, target, full_card)


def read_card(path: Path) -> dict[str, Any]:
    try:
        card: dict[str, Any] = json.loads((path / CARD).read_text())
    except (OSError, ValueError) as exc:
        raise ArtifactError(f"cannot read the model card in {path}: {exc}") from exc
    return card


def list_stored(data_dir: Path) -> list[StoredModel]:
    root = models_dir(data_dir)
    if not root.is_dir():
        return []
    stored = []
    for path in sorted(root.iterdir()):
        if path.is_dir() and not path.name.startswith(".") and (path / CARD).is_file():
            try:
                stored.append(StoredModel(path.name, path, read_card(path)))
            except ArtifactError:
                continue  # one unreadable card must not hide the others
    return stored


def load(data_dir: Path, version: str) -> RiskModel:
    if not VERSION_PATTERN.fullmatch(version):
        raise ArtifactError(f"{version!r} is not a model version name")
    path = models_dir(data_dir) / version
    if not path.is_dir():
        raise ArtifactError(f"no model version {version!r} in {models_dir(data_dir)}")
    card = read_card(path)
    try:
        payload = (path / ARTIFACT).read_bytes()
    except OSError as exc:
        raise ArtifactError(f"model {version}: cannot read {ARTIFACT}: {exc.strerror}") from exc
    if hashlib.sha256(payload).hexdigest() != card.get("sha256"):
        raise ArtifactError(f"model {version}: {ARTIFACT} does not match the sha256 in its card")
    if card.get("format") != FORMAT:
        raise ArtifactError(f"model {version}: unknown artifact format {card.get('format')!r}")
    with np.load(io.BytesIO(payload), allow_pickle=False) as a:
        arrays = {name: a[name] for name in a.files}
    calibration = None
    if card["calibrated"]:
        k = 0
        xs, ys = [], []
        while f"calibration_x_{k}" in arrays:
            xs.append(arrays[f"calibration_x_{k}"])
            ys.append(arrays[f"calibration_y_{k}"])
            k += 1
        calibration = IsotonicCalibration(xs, ys)
    kind = card["scorer"]
    scorer: Scorer
    if kind == "linear":
        scorer = LinearScorer(arrays["mean"], arrays["scale"], arrays["coef"], arrays["intercept"])
    elif kind in ("trees_forest", "trees_boosted"):
        scorer = TreeScorer(
            "forest" if kind == "trees_forest" else "boosted",
            arrays["feature"],
            arrays["threshold_node"],
            arrays["left"],
            arrays["right"],
            arrays["value"],
            int(arrays["depth"][0]),
            arrays["intercept"],
        )
    elif kind == "kalimo_rule":
        scorer = KalimoRuleScorer()
    else:
        raise ArtifactError(f"model {version}: unknown scorer {kind!r}")
    return RiskModel(version, card["algorithm"], scorer, calibration, float(arrays["threshold"][0]))
