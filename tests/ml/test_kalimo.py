"""The Kalimo composite and its bands: the label definition of SPEC §2.2."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from emberwatch.ml import kalimo


@pytest.mark.parametrize(
    ("b", "level"),
    [(0.0, "low"), (1.4999, "low"), (1.5, "moderate"), (3.4999, "moderate"), (3.5, "high"), (6.0, "high")],
)
def test_band_edges(b: float, level: str) -> None:
    assert kalimo.band(b) == level
    assert kalimo.LEVELS[int(kalimo.band_index(np.array([b]))[0])] == level


def test_composite_on_a_hand_worked_example() -> None:
    # EE=4, PA=2, DP=3: 0.4·4 + 0.3·3 + 0.3·(6−2) = 1.6 + 0.9 + 1.2 = 3.7
    b = kalimo.composite(ee=4, pa=2, dp=3)
    assert b == pytest.approx(3.7)
    assert kalimo.band(b) == "high"
    assert kalimo.composite_array(np.array([4.0]), np.array([2.0]), np.array([3.0]))[0] == pytest.approx(3.7)


def test_composite_spans_the_scale() -> None:
    assert kalimo.composite(ee=0, pa=6, dp=0) == pytest.approx(0.0)
    assert kalimo.composite(ee=6, pa=0, dp=6) == pytest.approx(6.0)


composites = st.one_of(st.floats(0.0, 6.0), st.sampled_from([1.5, 3.5, np.nextafter(1.5, 0), np.nextafter(3.5, 0)]))


@given(arrays(np.float64, st.integers(1, 50), elements=composites))
def test_band_index_agrees_with_band(b: np.ndarray) -> None:
    assert [kalimo.LEVELS[i] for i in kalimo.band_index(b)] == [kalimo.band(float(v)) for v in b]


@given(arrays(np.float64, (3, 20), elements=st.floats(0.0, 6.0)))
def test_composite_array_agrees_with_composite(means: np.ndarray) -> None:
    ee, pa, dp = means
    expected = [kalimo.composite(float(e), float(p), float(d)) for e, p, d in zip(ee, pa, dp, strict=True)]
    np.testing.assert_allclose(kalimo.composite_array(ee, pa, dp), expected, rtol=0, atol=1e-12)
