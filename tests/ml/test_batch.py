"""Batch scoring on CSV (SPEC §2.2): every bad line is reported with its number, and each output row is what the
API would have said for that user on that day."""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emberwatch.ml import batch
from emberwatch.ml.features import Items, window_features
from emberwatch.ml.predictor import RiskModel, baseline_model
from emberwatch.ml.simulator import SimulationConfig, simulate
from emberwatch.ml.training import TrainingRun, train

HEADER = "user_id,date,exhaustion,capability,meaningfulness\n"
GOOD = "u1,2026-01-05,3,4,5\n"


@pytest.fixture(scope="module")
def run() -> TrainingRun:
    return train(simulate(SimulationConfig(users=60, days=40, seed=3)), seed=3)


def _problems(text: str) -> list[str]:
    with pytest.raises(batch.InputError) as raised:
        batch.read_checkins(io.StringIO(text))
    return raised.value.problems


def test_good_rows_are_read() -> None:
    rows = batch.read_checkins(io.StringIO(HEADER + GOOD + " u2 , 2026-01-06 , 0 , 6 , 6 \n"))
    assert [(r.line, r.user_id, r.day, r.items) for r in rows] == [
        (2, "u1", date(2026, 1, 5), Items(3, 4, 5)),
        (3, "u2", date(2026, 1, 6), Items(0, 6, 6)),
    ]


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("u1,2026-13-01,3,4,5", "date"),
        ("u1,05/01/2026,3,4,5", "date"),
        ("u1,2026-01-06,7,4,5", "exhaustion"),
        ("u1,2026-01-06,3,-1,5", "capability"),
        ("u1,2026-01-06,3,4,x", "meaningfulness"),
        ("u1,2026-01-06,3,4.5,5", "capability"),
        ("u1,2026-01-06,3,,5", "capability"),
        (",2026-01-06,3,4,5", "user_id"),
        ("u1,2026-01-05,1,1,1", "first on line 2"),
    ],
)
def test_a_bad_line_is_reported_with_its_number(bad_line: str, expected: str) -> None:
    problems = _problems(HEADER + GOOD + bad_line + "\n" + "u1,2026-01-09,1,2,3\n")
    assert len(problems) == 1
    assert problems[0].startswith("line 3:")
    assert expected in problems[0]


def test_every_bad_line_is_reported_at_once() -> None:
    text = (
        HEADER
        + GOOD  # line 2
        + "u1,2026-02-30,3,4,5\n"  # 3: no such date
        + "u1,2026-01-06,9,4,5\n"  # 4
        + "u2,2026-01-06,3,4,5\n"  # 5: fine
        + "u1,2026-01-07,three,4,5\n"  # 6
        + " ,2026-01-08,3,4,5\n"  # 7
        + "u2,2026-01-06,3,4,5\n"  # 8: duplicate of line 5
    )
    problems = _problems(text)
    assert [p.split(":")[0] for p in problems] == ["line 3", "line 4", "line 6", "line 7", "line 8"]
    assert "first on line 5" in problems[-1]


def test_a_missing_column_is_named() -> None:
    problems = _problems("user_id,date,exhaustion,meaningfulness\nu1,2026-01-05,3,5\n")
    assert len(problems) == 1
    assert "capability" in problems[0]
    assert "line 1" in problems[0]


def test_many_errors_are_summarised() -> None:
    text = HEADER + "".join(f"u{i},not-a-date,3,4,5\n" for i in range(80))
    with pytest.raises(batch.InputError) as raised:
        batch.read_checkins(io.StringIO(text))
    assert len(raised.value.problems) == 80
    assert "30 more" in str(raised.value)


def test_an_unknown_risk_level_is_reported_with_its_number() -> None:
    text = "user_id,date,risk_level\nu1,2026-01-05,high\nu1,2026-01-06,severe\nu1,2026-01-07,Moderate\n"
    with pytest.raises(batch.InputError) as raised:
        batch.read_labels(io.StringIO(text))
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith("line 3:")
    assert "severe" in raised.value.problems[0]
    labels = batch.read_labels(io.StringIO("user_id,date,risk_level\nu1,2026-01-05,high\nu1,2026-01-07,Moderate\n"))
    assert labels == {("u1", date(2026, 1, 5)): 2, ("u1", date(2026, 1, 7)): 1}


START = date(2026, 1, 5)
checkins = st.dictionaries(
    st.tuples(st.sampled_from(["ana", "ben", "cleo"]), st.integers(0, 20).map(lambda d: START + timedelta(days=d))),
    st.builds(Items, st.integers(0, 6), st.integers(0, 6), st.integers(0, 6)),
    min_size=1,
    max_size=40,
)


def _live(rows: list[batch.CheckInRow], row: batch.CheckInRow) -> dict[date, Items]:
    """What the API has for that user when the check-in of that day arrives: that day and the days before."""
    return {r.day: r.items for r in rows if r.user_id == row.user_id and r.day <= row.day}


@settings(deadline=None, max_examples=60)
@given(
    days=checkins,
    order=st.randoms(use_true_random=False),
    which=st.sampled_from([None, "xgboost", "logistic_regression"]),
)
def test_scores_match_live_inference_row_by_row(
    run: TrainingRun, days: dict[tuple[str, date], Items], order: random.Random, which: str | None
) -> None:
    model: RiskModel = (
        baseline_model() if which is None else next(c.model for c in run.candidates if c.algorithm == which)
    )
    keys = list(days)
    order.shuffle(keys)
    rows = [batch.CheckInRow(i + 2, user, day, days[(user, day)]) for i, (user, day) in enumerate(keys)]

    scored = batch.score(rows, model)

    assert len(scored) == len(rows)
    for row, out in zip(rows, scored, strict=True):
        assert tuple(out) == batch.OUTPUT_COLUMNS
        assert (out["user_id"], out["date"]) == (row.user_id, row.day.isoformat())
        features = window_features(_live(rows, row), row.day)
        assert features is not None
        live = model.predict(features)
        p = model.proba(np.array([features.vector()]))[0]
        assert out["days_in_window"] == features.days_in_window
        assert out["risk_level"] == live.risk_level
        assert out["at_risk"] is live.at_risk
        for key, level, exact in zip(("p_low", "p_moderate", "p_high"), ("low", "moderate", "high"), p, strict=True):
            assert out[key] == pytest.approx(exact, abs=1e-6)
            assert out[key] == pytest.approx(live.probabilities[level], abs=1e-4)


def test_scoring_nothing_gives_nothing() -> None:
    assert batch.score([], baseline_model()) == []
