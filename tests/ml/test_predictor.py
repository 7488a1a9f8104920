"""Inference in numpy (predictor.py) and the export from scikit-learn and XGBoost (export.py): the baseline moves the
right way, everything is deterministic, the exported arrays reproduce the libraries, explanations add up, and the
served prediction is coherent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pytest
import xgboost as xgb
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from emberwatch.ml import export
from emberwatch.ml.features import FEATURE_NAMES, Items, WindowFeatures, window_features
from emberwatch.ml.kalimo import LEVELS
from emberwatch.ml.predictor import (
    IsotonicCalibration,
    KalimoRuleScorer,
    LinearScorer,
    RiskModel,
    TreeScorer,
    baseline_model,
)
from emberwatch.ml.simulator import Simulation, SimulationConfig, simulate
from emberwatch.ml.training import TrainingRun, build_dataset, split_users, train

SMALL = SimulationConfig(users=60, days=40, seed=3)
END = date(2026, 2, 1)
items = st.builds(Items, st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))
windows = st.dictionaries(st.integers(-6, 0).map(lambda o: END + timedelta(days=o)), items, min_size=1, max_size=7).map(
    lambda days: window_features(days, END)
)


@dataclass(frozen=True)
class Fitted:
    x_fit: np.ndarray
    y_fit: np.ndarray
    x_held_out: np.ndarray
    pipeline: Pipeline
    forest: RandomForestClassifier
    booster: xgb.XGBClassifier


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(SMALL)


@pytest.fixture(scope="module")
def run(sim: Simulation) -> TrainingRun:
    return train(sim, seed=SMALL.seed)


@pytest.fixture(scope="module")
def fitted(sim: Simulation) -> Fitted:
    data = build_dataset(sim)
    fit_users, validation_users, test_users = split_users(sim.user_class, seed=1)
    fit = data.subset(np.concatenate([fit_users, validation_users]))
    held_out = data.subset(test_users)
    pipeline = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(C=1.0, max_iter=2000))])
    pipeline.fit(fit.x, fit.y)
    forest = RandomForestClassifier(n_estimators=15, max_depth=6, min_samples_leaf=10, random_state=1)
    forest.fit(fit.x, fit.y)
    booster = xgb.XGBClassifier(
        n_estimators=25,
        max_depth=3,
        learning_rate=0.2,
        subsample=0.8,
        objective="multi:softprob",
        tree_method="hist",
        n_jobs=2,
        random_state=1,
    )
    booster.fit(fit.x, fit.y)
    return Fitted(fit.x, fit.y, held_out.x, pipeline, forest, booster)


def _p_high(features: WindowFeatures | None) -> float:
    assert features is not None
    return float(baseline_model().proba(np.array([features.vector()]))[0, 2])


@given(
    days=st.dictionaries(
        st.integers(-6, 0).map(lambda o: END + timedelta(days=o)),
        st.tuples(items, st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))),
        min_size=1,
        max_size=7,
    )
)
def test_baseline_never_lowers_p_high_when_every_item_moves_towards_burnout(
    days: dict[date, tuple[Items, tuple[int, int, int]]],
) -> None:
    before = {d: i for d, (i, _) in days.items()}
    after = {
        d: Items(min(6, i.exhaustion + de), max(0, i.capability - dc), max(0, i.meaningfulness - dm))
        for d, (i, (de, dc, dm)) in days.items()
    }
    assert _p_high(window_features(after, END)) >= _p_high(window_features(before, END))


def test_baseline_separates_the_extremes() -> None:
    worst = window_features({END: Items(exhaustion=6, capability=0, meaningfulness=0)}, END)
    best = window_features({END: Items(exhaustion=0, capability=6, meaningfulness=6)}, END)
    assert worst is not None
    assert best is not None
    assert baseline_model().predict(worst).risk_level == "high"
    assert baseline_model().predict(best).risk_level == "low"


def test_the_same_model_predicts_the_same_twice(run: TrainingRun, fitted: Fitted) -> None:
    for candidate in run.candidates:
        model = candidate.model
        np.testing.assert_array_equal(model.proba(fitted.x_held_out), model.proba(fitted.x_held_out))
        features = WindowFeatures(3.2, 2.5, 4.1, 5)
        assert model.predict(features) == model.predict(features)


def test_training_is_deterministic(sim: Simulation, run: TrainingRun) -> None:
    again = train(sim, seed=SMALL.seed)
    assert [c.algorithm for c in again.candidates] == [c.algorithm for c in run.candidates]
    for first, second in zip(run.candidates, again.candidates, strict=True):
        assert second.test == first.test, first.algorithm
        assert second.model.threshold == first.model.threshold
        np.testing.assert_array_equal(second.test_proba, first.test_proba)
    assert again.chosen == run.chosen
    assert again.data_summary == run.data_summary


def _threshold_rows(scorer: TreeScorer, base: np.ndarray) -> np.ndarray:
    """Held-out rows with one feature set exactly on a split threshold, and one float32 step either side."""
    internal = scorer.left != np.arange(scorer.left.shape[1])[None, :]
    pairs = sorted(set(zip(scorer.feature[internal].tolist(), scorer.threshold[internal].tolist(), strict=True)))
    assert pairs
    rows = []
    for i, (f, t) in enumerate(pairs):
        t32 = np.float32(t)
        for value in (t, float(t32), float(np.nextafter(t32, -np.inf)), float(np.nextafter(t32, np.inf))):
            row = base[i % len(base)].copy()
            row[f] = value
            rows.append(row)
    return np.asarray(rows)


def _assert_same_proba(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


def test_linear_export_reproduces_scikit_learn(fitted: Fitted) -> None:
    scorer = export.linear(fitted.pipeline)
    _assert_same_proba(scorer.proba(fitted.x_held_out), fitted.pipeline.predict_proba(fitted.x_held_out))


def test_forest_export_reproduces_scikit_learn_including_on_thresholds(fitted: Fitted) -> None:
    scorer = export.forest(fitted.forest)
    _assert_same_proba(scorer.proba(fitted.x_held_out), fitted.forest.predict_proba(fitted.x_held_out))
    edges = _threshold_rows(scorer, fitted.x_held_out)
    _assert_same_proba(scorer.proba(edges), fitted.forest.predict_proba(edges))


def test_boosted_export_reproduces_xgboost_including_on_thresholds(fitted: Fitted) -> None:
    scorer = export.boosted(fitted.booster, fitted.x_fit[:2000])
    _assert_same_proba(scorer.proba(fitted.x_held_out), fitted.booster.predict_proba(fitted.x_held_out))
    edges = _threshold_rows(scorer, fitted.x_held_out)
    _assert_same_proba(scorer.proba(edges), fitted.booster.predict_proba(edges))


def test_linear_contributions_are_the_high_logit_terms(fitted: Fitted) -> None:
    scorer = export.linear(fitted.pipeline)
    scaler, model = fitted.pipeline.named_steps["scale"], fitted.pipeline.named_steps["model"]
    logits = fitted.pipeline.decision_function(fitted.x_held_out[:50])
    for row, logit in zip(fitted.x_held_out[:50], logits, strict=True):
        contributions = scorer.contributions(row)
        np.testing.assert_allclose(contributions, model.coef_[2] * (row - scaler.mean_) / scaler.scale_, atol=1e-12)
        # The explanation adds up: intercept plus contributions is the logit of 'high'.
        assert model.intercept_[2] + contributions.sum() == pytest.approx(logit[2], abs=1e-9)


def test_boosted_contributions_equal_xgboost_approx_contribs(fitted: Fitted) -> None:
    scorer = export.boosted(fitted.booster, fitted.x_fit[:2000])
    rows = np.concatenate([fitted.x_held_out[:60], _threshold_rows(scorer, fitted.x_held_out)[::7]])
    theirs = fitted.booster.get_booster().predict(xgb.DMatrix(rows), pred_contribs=True, approx_contribs=True)
    assert theirs.shape == (len(rows), 3, len(FEATURE_NAMES) + 1)
    ours = np.array([scorer.contributions(row) for row in rows])
    np.testing.assert_allclose(ours, theirs[:, 2, :-1], rtol=0, atol=1e-5)


def test_forest_contributions_add_up_to_p_high(fitted: Fitted) -> None:
    scorer = export.forest(fitted.forest)
    root = scorer.value[:, 0, 2].mean()
    p_high = scorer.proba(fitted.x_held_out[:50])[:, 2]
    for row, p in zip(fitted.x_held_out[:50], p_high, strict=True):
        assert root + scorer.contributions(row).sum() == pytest.approx(p, abs=1e-9)


simplex_rows = st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)).filter(lambda r: sum(r) > 1e-6),
    min_size=1,
    max_size=30,
).map(lambda rows: np.array([[v / sum(r) for v in r] for r in rows]))


@settings(deadline=None)
@given(raw=simplex_rows, which=st.sampled_from(["logistic_regression", "random_forest", "xgboost"]))
def test_calibrated_probabilities_are_probabilities(run: TrainingRun, raw: np.ndarray, which: str) -> None:
    calibration = next(c.model.calibration for c in run.candidates if c.algorithm == which)
    assert calibration is not None
    calibrated = calibration.apply(raw)
    assert calibrated.shape == raw.shape
    assert ((calibrated >= 0) & (calibrated <= 1)).all()
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0, atol=1e-9)


def test_calibration_falls_back_to_uniform_when_every_class_maps_to_zero() -> None:
    step = (np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.0, 1.0]))
    calibration = IsotonicCalibration([step[0]] * 3, [step[1]] * 3)
    calibrated = calibration.apply(np.array([[0.3, 0.3, 0.4], [0.0, 0.0, 1.0]]))
    np.testing.assert_allclose(calibrated, [[1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]])


def _models(run: TrainingRun) -> list[RiskModel]:
    return [baseline_model(), *(c.model for c in run.candidates)]


@settings(deadline=None, max_examples=150)
@given(features=windows, which=st.integers(0, 4), threshold=st.one_of(st.floats(0, 1), st.none()))
def test_a_prediction_is_coherent(
    run: TrainingRun, features: WindowFeatures, which: int, threshold: float | None
) -> None:
    model = _models(run)[which]
    if threshold is not None:
        model = RiskModel(model.version, model.algorithm, model.scorer, model.calibration, threshold)
    prediction = model.predict(features)
    p = model.proba(np.array([features.vector()]))[0]

    assert set(prediction.probabilities) == set(LEVELS)
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert all(0.0 <= v <= 1.0 for v in prediction.probabilities.values())
    assert prediction.probabilities["high"] == pytest.approx(p[2], abs=5e-5)
    assert prediction.at_risk is bool(p[2] >= model.threshold)
    assert prediction.risk_level == LEVELS[int(np.argmax(p))]
    assert prediction.model_version == model.version
    assert prediction.features == features
    assert prediction.low_confidence is (features.days_in_window < 4)

    magnitudes = [abs(c) for _, c in prediction.explanation]
    assert magnitudes == sorted(magnitudes, reverse=True)
    assert all(m > 0 for m in magnitudes)
    contributions = dict(zip(FEATURE_NAMES, model.scorer.contributions(np.array(features.vector())), strict=True))
    for name, c in prediction.explanation:
        assert c == pytest.approx(contributions[name], abs=5e-5)
    assert {n for n, c in contributions.items() if round(float(c), 4) != 0} == {n for n, _ in prediction.explanation}


def test_scorers_exported_by_training_are_the_expected_kinds(run: TrainingRun) -> None:
    scorers = {c.algorithm: c.model.scorer for c in run.candidates}
    assert isinstance(scorers["kalimo_rule"], KalimoRuleScorer)
    assert isinstance(scorers["logistic_regression"], LinearScorer)
    assert isinstance(scorers["random_forest"], TreeScorer)
    assert scorers["random_forest"].kind == "forest"
    assert isinstance(scorers["xgboost"], TreeScorer)
    assert scorers["xgboost"].kind == "boosted"
    for c in run.candidates:
        if c.algorithm != "kalimo_rule":
            assert c.export_max_error is not None
            assert c.export_max_error <= 1e-6
