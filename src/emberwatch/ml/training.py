"""Simulate, split by user, fit the four candidates, calibrate, pick the at-risk threshold, evaluate, choose.

Split (by user, stratified by each user's starting class): 70 % for development and 30 % held out for the test;
the development users are split again 70/30 into a fitting set and a validation set, on which the calibration and
the at-risk threshold are chosen. No user is on two sides.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import train_test_split

from emberwatch.ml import export
from emberwatch.ml.evaluation import FloatArray, IntArray, evaluate, recall_threshold
from emberwatch.ml.features import window_features
from emberwatch.ml.predictor import IsotonicCalibration, KalimoRuleScorer, RiskModel, Scorer
from emberwatch.ml.simulator import Simulation

Progress = Callable[[str], None]
ALGORITHMS = ("kalimo_rule", "logistic_regression", "random_forest", "xgboost")
TARGET_RECALL = 0.90
AUC_TOLERANCE = 0.01
# The exported arrays must reproduce the library's probabilities to this precision.
EXPORT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Dataset:
    x: FloatArray
    y: IntArray
    user: IntArray

    def subset(self, users: IntArray) -> Dataset:
        mask = np.isin(self.user, users)
        return Dataset(self.x[mask], self.y[mask], self.user[mask])


def build_dataset(sim: Simulation) -> Dataset:
    """One row per (user, day) whose window holds at least one check-in."""
    rows, labels, owners = [], [], []
    dates = sim.dates
    for u in range(sim.config.users):
        observed = sim.observed(u)
        for d, day in enumerate(dates):
            features = window_features(observed, day)
            if features is not None:
                rows.append(features.vector())
                labels.append(sim.label[u, d])
                owners.append(u)
    return Dataset(np.asarray(rows, dtype=np.float64), np.asarray(labels, dtype=np.int64), np.asarray(owners))


def split_users(user_class: IntArray, seed: int) -> tuple[IntArray, IntArray, IntArray]:
    users = np.arange(user_class.size)
    development, test = train_test_split(users, test_size=0.30, stratify=user_class, random_state=seed)
    fit, validation = train_test_split(
        development, test_size=0.30, stratify=user_class[development], random_state=seed + 1
    )
    return np.sort(fit), np.sort(validation), np.sort(test)


def fit_calibration(raw: FloatArray, y: IntArray) -> IsotonicCalibration:
    xs, ys = [], []
    for k in range(raw.shape[1]):
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw[:, k], (y == k).astype(float))
        xs.append(np.asarray(iso.X_thresholds_, dtype=np.float64))
        ys.append(np.asarray(iso.y_thresholds_, dtype=np.float64))
    return IsotonicCalibration(xs, ys)


def _fit_library_model(algorithm: str, data: Dataset, seed: int) -> tuple[Scorer, Callable[[FloatArray], FloatArray]]:
    """Fit one candidate; returns its numpy scorer and the library's own predict_proba (to check the export)."""
    if algorithm == "logistic_regression":
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler

        pipeline = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(C=1.0, max_iter=2000))])
        pipeline.fit(data.x, data.y)
        return export.linear(pipeline), pipeline.predict_proba
    if algorithm == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        forest = RandomForestClassifier(
            n_estimators=120, max_depth=10, min_samples_leaf=25, n_jobs=-1, random_state=seed
        )
        forest.fit(data.x, data.y)
        return export.forest(forest), forest.predict_proba
    if algorithm == "xgboost":
        from xgboost import XGBClassifier

        booster = XGBClassifier(
            n_estimators=150,
            max_depth=4,
            learning_rate=0.1,
            subsample=0.8,
            objective="multi:softprob",
            tree_method="hist",
            n_jobs=2,
            random_state=seed,
        )
        booster.fit(data.x, data.y)
        return export.boosted(booster, data.x[:2000]), booster.predict_proba
    raise ValueError(f"unknown algorithm {algorithm}")


@dataclass
class Candidate:
    algorithm: str
    model: RiskModel
    validation: dict[str, Any]
    test: dict[str, Any]
    test_proba: FloatArray
    fit_seconds: float
    export_max_error: float | None


@dataclass
class TrainingRun:
    run_id: str
    created_at: datetime
    seed: int
    data_summary: dict[str, Any]
    candidates: list[Candidate]
    chosen: str
    selection_rule: str
    test_labels: IntArray
    total_seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def choose(candidates: list[Candidate]) -> str:
    best_auc = max(c.test["macro_roc_auc"] for c in candidates)
    close = [c for c in candidates if c.test["macro_roc_auc"] >= best_auc - AUC_TOLERANCE]
    return min(close, key=lambda c: (c.test["brier"], c.algorithm)).algorithm


def train(sim: Simulation, *, seed: int, progress: Progress = lambda _: None) -> TrainingRun:
    started = time.perf_counter()
    created_at = datetime.now(UTC).replace(microsecond=0)
    run_id = created_at.strftime("%Y%m%dT%H%M%SZ")
    progress("features")
    data = build_dataset(sim)
    fit_users, validation_users, test_users = split_users(sim.user_class, seed)
    fit, validation, test = data.subset(fit_users), data.subset(validation_users), data.subset(test_users)
    features_seconds = time.perf_counter() - started

    candidates = []
    for algorithm in ALGORITHMS:
        progress(algorithm)
        t0 = time.perf_counter()
        export_error = None
        if algorithm == "kalimo_rule":
            scorer: Scorer = KalimoRuleScorer()
            calibration = None
        else:
            scorer, library_proba = _fit_library_model(algorithm, fit, seed)
            export_error = float(np.abs(scorer.proba(test.x) - library_proba(test.x)).max())
            if export_error > EXPORT_TOLERANCE:
                raise RuntimeError(f"{algorithm}: exported arrays differ from the library by {export_error:.2e}")
            calibration = fit_calibration(scorer.proba(validation.x), validation.y)
        provisional = RiskModel(f"{run_id}-{algorithm}", algorithm, scorer, calibration, 0.5)
        validation_proba = provisional.proba(validation.x)
        threshold = recall_threshold(validation_proba[:, 2], validation.y, TARGET_RECALL)
        model = RiskModel(provisional.version, algorithm, scorer, calibration, threshold)
        test_proba = model.proba(test.x)
        candidates.append(
            Candidate(
                algorithm=algorithm,
                model=model,
                validation=evaluate(validation_proba, validation.y, threshold),
                test=evaluate(test_proba, test.y, threshold),
                test_proba=test_proba,
                fit_seconds=round(time.perf_counter() - t0, 2),
                export_max_error=export_error,
            )
        )

    summary = {
        "simulated_users": sim.config.users,
        "days": sim.config.days,
        "seed": seed,
        "windows": int(data.y.size),
        "users_fit_validation_test": [int(fit_users.size), int(validation_users.size), int(test_users.size)],
        "windows_fit_validation_test": [int(fit.y.size), int(validation.y.size), int(test.y.size)],
        "label_share": {
            level: round(float((data.y == i).mean()), 4) for i, level in enumerate(("low", "moderate", "high"))
        },
        "missing_day_share": round(float((sim.exhaustion < 0).mean()), 4),
    }
    return TrainingRun(
        run_id=run_id,
        created_at=created_at,
        seed=seed,
        data_summary=summary,
        candidates=candidates,
        chosen=choose(candidates),
        selection_rule=(
            f"lowest test Brier score among the models within {AUC_TOLERANCE} macro ROC-AUC of the best "
            "(ties: alphabetical)"
        ),
        test_labels=test.y,
        total_seconds=round(time.perf_counter() - started, 2),
        timings={"features_seconds": round(features_seconds, 2)},
    )
