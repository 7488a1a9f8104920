"""The 7-day window features of SPEC §2.2, checked against a brute-force recomputation."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from emberwatch.ml.features import Items, WindowFeatures, window_features

END = date(2026, 3, 15)
items = st.builds(Items, st.integers(0, 6), st.integers(0, 6), st.integers(0, 6))
# Offsets from the target date: 0 is the target date, -6 the first day of its window.
inside_offsets = st.integers(-6, 0)
outside_offsets = st.one_of(st.integers(-60, -7), st.integers(1, 60))


def _days(offsets: st.SearchStrategy[int], min_size: int = 0) -> st.SearchStrategy[dict[date, Items]]:
    return st.dictionaries(offsets.map(lambda o: END + timedelta(days=o)), items, min_size=min_size, max_size=7)


@given(inside=_days(inside_offsets), outside=_days(outside_offsets, min_size=1))
def test_days_outside_the_window_never_change_the_result(inside: dict[date, Items], outside: dict[date, Items]) -> None:
    assert window_features(inside | outside, END) == window_features(inside, END)


@given(days=_days(st.integers(-20, 20), min_size=1), end_offset=st.integers(-10, 10))
def test_features_equal_a_brute_force_recomputation(days: dict[date, Items], end_offset: int) -> None:
    end = END + timedelta(days=end_offset)
    present = [i for d, i in days.items() if end - timedelta(days=6) <= d <= end]
    result = window_features(days, end)
    if not present:
        assert result is None
        return
    assert result is not None
    n = len(present)
    assert result.days_in_window == n
    assert abs(result.ee_7d - sum(i.exhaustion for i in present) / n) < 1e-12
    assert abs(result.pa_7d - sum(i.capability for i in present) / n) < 1e-12
    assert abs(result.dp_7d - sum(6 - i.meaningfulness for i in present) / n) < 1e-12


@given(outside=_days(outside_offsets))
def test_an_empty_window_gives_none(outside: dict[date, Items]) -> None:
    assert window_features(outside, END) is None
    assert window_features({}, END) is None


@given(inside=_days(inside_offsets, min_size=1))
def test_low_confidence_exactly_below_four_days(inside: dict[date, Items]) -> None:
    result = window_features(inside, END)
    assert isinstance(result, WindowFeatures)
    assert result.days_in_window == len(inside)
    assert result.low_confidence is (len(inside) < 4)


@given(days=_days(st.integers(-10, 3), min_size=1))
def test_every_mean_is_on_the_item_scale(days: dict[date, Items]) -> None:
    result = window_features(days, END)
    if result is not None:
        for value in (result.ee_7d, result.pa_7d, result.dp_7d):
            assert 0.0 <= value <= 6.0
        assert 1 <= result.days_in_window <= 7


def test_meaningfulness_is_reversed_into_depersonalisation() -> None:
    result = window_features({END: Items(exhaustion=5, capability=2, meaningfulness=1)}, END)
    assert result == WindowFeatures(ee_7d=5.0, pa_7d=2.0, dp_7d=5.0, days_in_window=1)
    assert result.vector() == (5.0, 2.0, 5.0, 1.0)
