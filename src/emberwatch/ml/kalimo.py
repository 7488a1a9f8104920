"""The Kalimo et al. (2003) MBI-GS composite and its bands: the label definition of SPEC §2.2.

B = 0.4·EE + 0.3·DP + 0.3·(6 − PA) on 0–6 subscale means; low B < 1.5, moderate 1.5 ≤ B < 3.5, high B ≥ 3.5.
The bands are a research convention, not a diagnosis.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

RiskLevel = Literal["low", "moderate", "high"]
LEVELS: tuple[RiskLevel, RiskLevel, RiskLevel] = ("low", "moderate", "high")
LOW_BELOW = 1.5
HIGH_FROM = 3.5
WEIGHTS = {"ee": 0.4, "dp": 0.3, "pa_reversed": 0.3}


def composite(ee: float, pa: float, dp: float) -> float:
    return 0.4 * ee + 0.3 * dp + 0.3 * (6.0 - pa)


def band(b: float) -> RiskLevel:
    if b < LOW_BELOW:
        return "low"
    if b < HIGH_FROM:
        return "moderate"
    return "high"


def composite_array(
    ee: npt.NDArray[np.float64], pa: npt.NDArray[np.float64], dp: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    return 0.4 * ee + 0.3 * dp + 0.3 * (6.0 - pa)


def band_index(b: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """0 = low, 1 = moderate, 2 = high, elementwise."""
    return np.digitize(b, [LOW_BELOW, HIGH_FROM]).astype(np.int64)
