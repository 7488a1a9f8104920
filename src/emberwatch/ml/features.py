"""The features of SPEC §2.2, as one pure function used by training, batch scoring and live inference alike.

Over the 7 calendar days ending on the target date: `ee_7d` = mean exhaustion, `pa_7d` = mean capability,
`dp_7d` = mean of (6 − meaningfulness). Missing days are skipped; `days_in_window` counts those present.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 7
LOW_CONFIDENCE_BELOW = 4
FEATURE_NAMES = ("ee_7d", "pa_7d", "dp_7d", "days_in_window")


@dataclass(frozen=True, slots=True)
class Items:
    """One day's check-in: three integers 0–6."""

    exhaustion: int
    capability: int
    meaningfulness: int


@dataclass(frozen=True, slots=True)
class WindowFeatures:
    ee_7d: float
    pa_7d: float
    dp_7d: float
    days_in_window: int

    @property
    def low_confidence(self) -> bool:
        return self.days_in_window < LOW_CONFIDENCE_BELOW

    def vector(self) -> tuple[float, float, float, float]:
        return (self.ee_7d, self.pa_7d, self.dp_7d, float(self.days_in_window))


def window_dates(end: date) -> list[date]:
    return [end - timedelta(days=offset) for offset in range(WINDOW_DAYS - 1, -1, -1)]


def window_features(days: Mapping[date, Items], end: date) -> WindowFeatures | None:
    """Features of the window ending on `end`, or None when no day of it has a check-in."""
    present = [days[d] for d in window_dates(end) if d in days]
    if not present:
        return None
    n = len(present)
    return WindowFeatures(
        ee_7d=sum(i.exhaustion for i in present) / n,
        pa_7d=sum(i.capability for i in present) / n,
        dp_7d=sum(6 - i.meaningfulness for i in present) / n,
        days_in_window=n,
    )


def features_for_each_day(days: Mapping[date, Items], ends: Iterable[date]) -> list[WindowFeatures | None]:
    return [window_features(days, end) for end in ends]
