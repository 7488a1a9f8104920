"""Simulated daily check-ins aligned with the MBI-GS (seed 000, phase 1; SPEC §2.2).

Each simulated person has latent weekly subscale means (EE, PA, DP on 0–6) that drift — some steadily towards
burnout — a personal response bias per item, weekday effects, daily noise and missed days. Observed items are
rounded and clipped to 0–6. Labels come from the latent means by the Kalimo bands, never from the observed items.
Deterministic for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from emberwatch.ml.features import WINDOW_DAYS, Items
from emberwatch.ml.kalimo import LEVELS, band_index, composite_array

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Monday first. Exhaustion peaks early in the week and eases at the weekend; efficacy dips on Mondays.
WEEKDAY_EXHAUSTION = np.array([0.35, 0.15, 0.05, 0.0, -0.2, -0.5, -0.4])
WEEKDAY_CAPABILITY = np.array([-0.15, 0.0, 0.05, 0.05, 0.1, 0.0, -0.05])
WEEKDAY_MEANING = np.array([-0.1, 0.0, 0.0, 0.0, 0.05, 0.1, 0.05])
# Where each class starts on the composite, kept off the band edges so classes are what they say.
START_BANDS = {0: (0.2, 1.35), 1: (1.7, 3.3), 2: (3.65, 5.3)}


@dataclass(frozen=True)
class SimulationConfig:
    users: int = 1000
    days: int = 180
    seed: int = 7
    start: date = date(2026, 1, 5)  # a Monday
    noise_sd: float = 1.0
    bias_sd: float = 0.9
    drift_sd: float = 0.18
    reversion: float = 0.12
    trending_share: float = 0.25
    missing_range: tuple[float, float] = (0.03, 0.35)


@dataclass(frozen=True)
class Simulation:
    """Arrays indexed [user, day]; observed items are -1 on missed days."""

    config: SimulationConfig
    user_class: IntArray
    exhaustion: IntArray
    capability: IntArray
    meaningfulness: IntArray
    latent_ee: FloatArray
    latent_pa: FloatArray
    latent_dp: FloatArray
    label: IntArray = field(repr=False)

    @property
    def dates(self) -> list[date]:
        return [self.config.start + timedelta(days=d) for d in range(self.config.days)]

    def user_id(self, u: int) -> str:
        return f"sim-{self.config.seed}-{u:05d}"

    def observed(self, u: int) -> dict[date, Items]:
        dates = self.dates
        return {
            dates[d]: Items(int(self.exhaustion[u, d]), int(self.capability[u, d]), int(self.meaningfulness[u, d]))
            for d in np.flatnonzero(self.exhaustion[u] >= 0)
        }

    def label_name(self, u: int, d: int) -> str:
        return LEVELS[int(self.label[u, d])]


def _window_mean(values: FloatArray) -> FloatArray:
    """Mean over the 7 days ending on each day (fewer at the start of the series)."""
    cumulative = np.cumsum(values, axis=1)
    shifted = np.zeros_like(cumulative)
    shifted[:, WINDOW_DAYS:] = cumulative[:, :-WINDOW_DAYS]
    counts = np.minimum(np.arange(1, values.shape[1] + 1), WINDOW_DAYS)
    return (cumulative - shifted) / counts


def _starting_means(rng: np.random.Generator, user_class: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    lows = np.array([START_BANDS[int(c)][0] for c in user_class])
    highs = np.array([START_BANDS[int(c)][1] for c in user_class])
    target = rng.uniform(lows, highs)
    ee = np.clip(target + rng.normal(0, 0.55, target.shape), 0, 6)
    dp = np.clip(target - 0.2 + rng.normal(0, 0.6, target.shape), 0, 6)
    # Solve the composite for reversed efficacy so the three together land on the target.
    pa_reversed = np.clip((target - 0.4 * ee - 0.3 * dp) / 0.3, 0, 6)
    return ee, 6.0 - pa_reversed, dp


def simulate(config: SimulationConfig = SimulationConfig()) -> Simulation:
    rng = np.random.default_rng(config.seed)
    users, days = config.users, config.days
    weeks = (days + 6) // 7
    user_class = rng.permutation(np.arange(users) % 3)

    ee0, pa0, dp0 = _starting_means(rng, user_class)
    # A quarter of people drift steadily towards burnout (or, for the highest, away from it).
    trending = rng.random(users) < config.trending_share
    direction = np.where(user_class == 2, -1.0, 1.0)
    slope = np.where(trending, rng.uniform(0.04, 0.14, users) * direction, 0.0)

    weekly = np.zeros((3, users, weeks))
    weekly[:, :, 0] = np.stack([ee0, pa0, dp0])
    anchors = np.stack([ee0, pa0, dp0])
    signs = np.array([1.0, -1.0, 1.0])[:, None]  # towards burnout: EE up, PA down, DP up
    for w in range(1, weeks):
        previous = weekly[:, :, w - 1]
        anchors = np.clip(anchors + signs * slope, 0, 6)
        step = config.reversion * (anchors - previous) + rng.normal(0, config.drift_sd, previous.shape)
        weekly[:, :, w] = np.clip(previous + step, 0, 6)
    latent = np.repeat(weekly, 7, axis=2)[:, :, :days]
    latent_ee, latent_pa, latent_dp = latent[0], latent[1], latent[2]

    weekday = (np.arange(days) + config.start.weekday()) % 7
    bias = rng.normal(0, config.bias_sd, (3, users, 1))
    noise = rng.normal(0, config.noise_sd, (3, users, days))
    exhaustion = latent_ee + WEEKDAY_EXHAUSTION[weekday] + bias[0] + noise[0]
    capability = latent_pa + WEEKDAY_CAPABILITY[weekday] + bias[1] + noise[1]
    meaningfulness = (6.0 - latent_dp) + WEEKDAY_MEANING[weekday] + bias[2] + noise[2]
    observed = [np.clip(np.rint(x), 0, 6).astype(np.int64) for x in (exhaustion, capability, meaningfulness)]

    miss_rate = rng.uniform(*config.missing_range, users)[:, None] * np.where(weekday >= 5, 1.8, 1.0)[None, :]
    missed = rng.random((users, days)) < miss_rate
    for items in observed:
        items[missed] = -1

    label = band_index(composite_array(_window_mean(latent_ee), _window_mean(latent_pa), _window_mean(latent_dp)))
    return Simulation(
        config=config,
        user_class=user_class,
        exhaustion=observed[0],
        capability=observed[1],
        meaningfulness=observed[2],
        latent_ee=latent_ee,
        latent_pa=latent_pa,
        latent_dp=latent_dp,
        label=label,
    )
