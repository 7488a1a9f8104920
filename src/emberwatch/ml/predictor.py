"""Inference with numpy alone: the API never imports a training library.

A trained model is exported to arrays — a standardised linear model or a tree ensemble, followed by per-class
isotonic calibration — and evaluated here. Training checks that these arrays reproduce the library's own
probabilities before the artifact is written, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from emberwatch.ml.features import FEATURE_NAMES, WindowFeatures
from emberwatch.ml.kalimo import HIGH_FROM, LEVELS, LOW_BELOW, RiskLevel

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
HIGH = 2


@dataclass(frozen=True)
class Prediction:
    risk_level: RiskLevel
    probabilities: dict[str, float]
    at_risk: bool
    model_version: str
    features: WindowFeatures
    explanation: list[tuple[str, float]]

    @property
    def low_confidence(self) -> bool:
        return self.features.low_confidence


class Scorer(Protocol):
    """Raw class probabilities (before calibration) and per-feature contributions for one class."""

    def proba(self, x: FloatArray) -> FloatArray: ...

    def contributions(self, row: FloatArray) -> FloatArray: ...


@dataclass(frozen=True)
class KalimoRuleScorer:
    """The transparent baseline: the Kalimo composite of the observed means, with soft band edges.

    P(high) = σ((B − 3.5)/s), P(low) = σ((1.5 − B)/s), P(moderate) the rest; s = 0.25 composite points.
    Contributions are each subscale's weighted distance from the scale midpoint (3), in composite points.
    """

    softness: float = 0.25

    def proba(self, x: FloatArray) -> FloatArray:
        b = 0.4 * x[:, 0] + 0.3 * x[:, 2] + 0.3 * (6.0 - x[:, 1])
        high = 1.0 / (1.0 + np.exp(-(b - HIGH_FROM) / self.softness))
        low = 1.0 / (1.0 + np.exp(-(LOW_BELOW - b) / self.softness))
        return np.column_stack([low, np.clip(1.0 - low - high, 0.0, 1.0), high])

    def contributions(self, row: FloatArray) -> FloatArray:
        return np.array([0.4 * (row[0] - 3.0), -0.3 * (row[1] - 3.0), 0.3 * (row[2] - 3.0), 0.0])


@dataclass(frozen=True)
class LinearScorer:
    """Multinomial logistic regression on standardised features; contributions are coefficient × centred value
    for the logit of 'high'."""

    mean: FloatArray
    scale: FloatArray
    coef: FloatArray  # (classes, features)
    intercept: FloatArray

    def proba(self, x: FloatArray) -> FloatArray:
        logits = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def contributions(self, row: FloatArray) -> FloatArray:
        return np.asarray(self.coef[HIGH] * (row - self.mean) / self.scale)


@dataclass(frozen=True)
class TreeScorer:
    """A tree ensemble as padded arrays [tree, node]. Leaves point to themselves.

    `kind="forest"`: node values are class proportions, averaged over trees (scikit-learn, `x <= t` goes left).
    `kind="boosted"`: node values are margins of the tree's class, summed, plus an intercept, then softmax
    (XGBoost, `x < t` goes left). Contributions follow each path and credit every split with the change in the
    node's mean value (Saabas; XGBoost's `approx_contribs`): probability of 'high' for a forest, its margin for
    boosting.
    """

    kind: Literal["forest", "boosted"]
    feature: IntArray
    threshold: FloatArray
    left: IntArray
    right: IntArray
    value: FloatArray  # [tree, node, class]: leaf outputs (and node means, for contributions)
    depth: int
    intercept: FloatArray

    def _leaves(self, x: FloatArray) -> tuple[IntArray, list[tuple[IntArray, IntArray]]]:
        n, trees = x.shape[0], self.feature.shape[0]
        # Both libraries compare features as float32; so must we, or values near a threshold go the other way.
        x = x.astype(np.float32).astype(np.float64)
        node = np.zeros((n, trees), dtype=np.int64)
        tree_index = np.arange(trees)[None, :]
        steps = []
        for _ in range(self.depth):
            f = self.feature[tree_index, node]
            t = self.threshold[tree_index, node]
            v = np.take_along_axis(x, f, axis=1)
            go_left = v < t if self.kind == "boosted" else v <= t
            nxt = np.where(go_left, self.left[tree_index, node], self.right[tree_index, node])
            steps.append((node, nxt))
            node = nxt
        return node, steps

    def proba(self, x: FloatArray) -> FloatArray:
        leaves, _ = self._leaves(x)
        tree_index = np.arange(self.feature.shape[0])[None, :]
        out = self.value[tree_index, leaves]  # (n, trees, classes)
        if self.kind == "forest":
            return np.asarray(out.mean(axis=1))
        margin = out.sum(axis=1) + self.intercept
        margin -= margin.max(axis=1, keepdims=True)
        e = np.exp(margin)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def contributions(self, row: FloatArray) -> FloatArray:
        _, steps = self._leaves(row[None, :])
        trees = np.arange(self.feature.shape[0])
        contrib = np.zeros(len(FEATURE_NAMES))
        for node, nxt in steps:
            node, nxt = node[0], nxt[0]
            moved = nxt != node
            delta = self.value[trees, nxt, HIGH] - self.value[trees, node, HIGH]
            np.add.at(contrib, self.feature[trees[moved], node[moved]], delta[moved])
        return contrib / self.feature.shape[0] if self.kind == "forest" else contrib


@dataclass(frozen=True)
class IsotonicCalibration:
    """Per-class isotonic maps of the raw probabilities, then renormalised (as scikit-learn does for many classes)."""

    x: list[FloatArray]
    y: list[FloatArray]

    def apply(self, raw: FloatArray) -> FloatArray:
        calibrated = np.column_stack([np.interp(raw[:, k], self.x[k], self.y[k]) for k in range(raw.shape[1])])
        total = calibrated.sum(axis=1, keepdims=True)
        uniform = np.full_like(calibrated, 1.0 / calibrated.shape[1])
        return np.where(total > 0, calibrated / np.where(total > 0, total, 1.0), uniform)


@dataclass(frozen=True)
class RiskModel:
    """What the API serves: a scorer, its calibration, the at-risk threshold on P(high), and a version."""

    version: str
    algorithm: str
    scorer: Scorer
    calibration: IsotonicCalibration | None
    threshold: float

    def proba(self, x: FloatArray) -> FloatArray:
        raw = self.scorer.proba(np.asarray(x, dtype=np.float64))
        return self.calibration.apply(raw) if self.calibration is not None else raw

    def predict(self, features: WindowFeatures) -> Prediction:
        row = np.asarray(features.vector(), dtype=np.float64)
        p = self.proba(row[None, :])[0]
        contributions = self.scorer.contributions(row)
        explanation = sorted(
            ((name, round(float(c), 4)) for name, c in zip(FEATURE_NAMES, contributions, strict=True)),
            key=lambda item: -abs(item[1]),
        )
        return Prediction(
            risk_level=LEVELS[int(np.argmax(p))],
            probabilities={level: round(float(p[i]), 4) for i, level in enumerate(LEVELS)},
            at_risk=bool(p[HIGH] >= self.threshold),
            model_version=self.version,
            features=features,
            explanation=[e for e in explanation if e[1] != 0.0],
        )


BASELINE_VERSION = "kalimo-rule-v1"


def baseline_model(threshold: float = 0.5) -> RiskModel:
    """Served when no trained model is active, so that every check-in still gets an estimate."""
    return RiskModel(BASELINE_VERSION, "kalimo_rule", KalimoRuleScorer(), None, threshold)
