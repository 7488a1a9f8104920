"""The simulator of SPEC §2.2: deterministic, class-balanced, items on the 0–6 scale, labels from latent means."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emberwatch.ml import kalimo
from emberwatch.ml.simulator import Simulation, SimulationConfig, simulate

SMALL = SimulationConfig(users=60, days=40, seed=3)
ARRAYS = ("user_class", "exhaustion", "capability", "meaningfulness", "latent_ee", "latent_pa", "latent_dp", "label")


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(SMALL)


def test_same_seed_gives_identical_arrays(sim: Simulation) -> None:
    again = simulate(SMALL)
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(again, name), getattr(sim, name), err_msg=name)


def test_a_different_seed_gives_different_people(sim: Simulation) -> None:
    other = simulate(replace(SMALL, seed=4))
    assert not np.array_equal(other.exhaustion, sim.exhaustion)
    assert not np.array_equal(other.latent_ee, sim.latent_ee)
    assert other.user_id(0) != sim.user_id(0)


def test_items_are_integers_on_the_scale_or_minus_one_when_missed(sim: Simulation) -> None:
    for name in ("exhaustion", "capability", "meaningfulness"):
        items = getattr(sim, name)
        assert items.shape == (SMALL.users, SMALL.days)
        assert np.issubdtype(items.dtype, np.integer)
        assert set(np.unique(items)) <= {-1, 0, 1, 2, 3, 4, 5, 6}
    # A missed day is missed for all three items at once.
    missed = sim.exhaustion < 0
    np.testing.assert_array_equal(sim.capability < 0, missed)
    np.testing.assert_array_equal(sim.meaningfulness < 0, missed)
    for latent in (sim.latent_ee, sim.latent_pa, sim.latent_dp):
        assert latent.min() >= 0.0
        assert latent.max() <= 6.0


@settings(max_examples=25, deadline=None)
@given(users=st.integers(1, 200), seed=st.integers(0, 10_000))
def test_classes_are_balanced(users: int, seed: int) -> None:
    counts = np.bincount(simulate(SimulationConfig(users=users, days=7, seed=seed)).user_class, minlength=3)
    assert counts.sum() == users
    assert counts.max() - counts.min() <= 1


def _brute_force_labels(sim: Simulation) -> tuple[np.ndarray, np.ndarray]:
    """Kalimo band of the 7-day mean of the latent subscale means, and that composite (for edge cases)."""
    users, days = sim.latent_ee.shape
    composite = np.zeros((users, days))
    for d in range(days):
        window = slice(max(0, d - 6), d + 1)
        composite[:, d] = kalimo.composite_array(
            sim.latent_ee[:, window].mean(axis=1),
            sim.latent_pa[:, window].mean(axis=1),
            sim.latent_dp[:, window].mean(axis=1),
        )
    return kalimo.band_index(composite), composite


def test_labels_are_the_band_of_the_latent_weekly_means(sim: Simulation) -> None:
    expected, composite = _brute_force_labels(sim)
    # Skip the (practically absent) windows whose composite sits on a band edge to float precision.
    clear = (np.abs(composite - kalimo.LOW_BELOW) > 1e-9) & (np.abs(composite - kalimo.HIGH_FROM) > 1e-9)
    assert clear.mean() > 0.99
    np.testing.assert_array_equal(sim.label[clear], expected[clear])


def test_labels_do_not_depend_on_the_observed_items(sim: Simulation) -> None:
    # Other noise and response bias change every observed item but leave the latent means, and so the labels, alone.
    noisy = simulate(replace(SMALL, noise_sd=2.5, bias_sd=0.0))
    assert not np.array_equal(noisy.exhaustion, sim.exhaustion)
    np.testing.assert_array_equal(noisy.latent_ee, sim.latent_ee)
    np.testing.assert_array_equal(noisy.label, sim.label)


def test_missed_day_share_is_realistic(sim: Simulation) -> None:
    share = float((sim.exhaustion < 0).mean())
    assert 0.03 <= share <= 0.60
    # Every simulated person checks in at least once.
    assert ((sim.exhaustion >= 0).sum(axis=1) > 0).all()


def test_all_three_labels_occur(sim: Simulation) -> None:
    assert set(np.unique(sim.label)) == {0, 1, 2}
    assert {sim.label_name(u, 0) for u in range(SMALL.users)} == set(kalimo.LEVELS)


def test_observed_returns_the_non_missing_days(sim: Simulation) -> None:
    dates = sim.dates
    observed = sim.observed(0)
    present = np.flatnonzero(sim.exhaustion[0] >= 0)
    assert sorted(observed) == [dates[d] for d in present]
    d = int(present[0])
    item = observed[dates[d]]
    assert (item.exhaustion, item.capability, item.meaningfulness) == (
        sim.exhaustion[0, d],
        sim.capability[0, d],
        sim.meaningfulness[0, d],
    )
