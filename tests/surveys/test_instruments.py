"""Scoring of each questionnaire against hand-worked examples, including reversed items and band edges."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emberwatch.surveys.instruments import INSTRUMENTS


def score(name: str, answers: list[int]) -> tuple[float, str]:
    result = INSTRUMENTS[name].score(answers)
    return result.score, result.band


def test_published_item_counts_and_reversals() -> None:
    assert {n: len(i.items) for n, i in INSTRUMENTS.items()} == {
        "cbi_personal": 6,
        "cbi_work": 7,
        "who5": 5,
        "pss10": 10,
    }
    assert [n for n, item in enumerate(INSTRUMENTS["pss10"].items, 1) if item.reversed] == [4, 5, 7, 8]
    assert [n for n, item in enumerate(INSTRUMENTS["cbi_work"].items, 1) if item.reversed] == [7]
    assert not any(item.reversed for item in INSTRUMENTS["cbi_personal"].items)


def test_cbi_personal_is_the_mean_and_50_is_high() -> None:
    # (75 + 50 + 50 + 25 + 50 + 50) / 6 = 300 / 6 = 50.0 -> exactly on the threshold: high.
    assert score("cbi_personal", [75, 50, 50, 25, 50, 50]) == (50.0, "high")
    # (75 + 50 + 50 + 25 + 50 + 25) / 6 = 275 / 6 = 45.83 -> not high.
    assert score("cbi_personal", [75, 50, 50, 25, 50, 25]) == (45.83, "not_high")


def test_cbi_work_reverses_energy_for_family_and_friends() -> None:
    # Items 1-6 all 50; item 7 "enough energy for family and friends" answered Always (100) counts as 0:
    # (6 x 50 + 0) / 7 = 42.86. Answered Never (0) it counts as 100: (300 + 100) / 7 = 57.14.
    assert score("cbi_work", [50] * 6 + [100]) == (42.86, "not_high")
    assert score("cbi_work", [50] * 6 + [0]) == (57.14, "high")


def test_who5_bands() -> None:
    # Raw 4+4+3+3+4 = 18 -> 72: good, and no item at 0 or 1.
    assert score("who5", [4, 4, 3, 3, 4]) == (72.0, "good_wellbeing")
    # Raw 13 -> 52 is above 50, but one item at 1 still suggests screening.
    assert score("who5", [4, 4, 3, 1, 1]) == (52.0, "screening_suggested")
    # Raw 12 -> 48 <= 50: screening; raw 7 -> 28 <= 28: likely depression; raw 8 -> 32 is not.
    assert score("who5", [3, 3, 2, 2, 2]) == (48.0, "screening_suggested")
    assert score("who5", [2, 2, 1, 1, 1]) == (28.0, "likely_depression")
    assert score("who5", [2, 2, 2, 1, 1])[1] == "screening_suggested"


def test_pss10_reverses_items_4_5_7_8_and_bands() -> None:
    # All answers 2: reversed items stay 2 (4 - 2), total 20 -> moderate.
    assert score("pss10", [2] * 10) == (20.0, "moderate")
    # Non-reversed items 0, reversed items 4 (very often confident...) -> each counts 0: total 0, low.
    calm = [0, 0, 0, 4, 4, 0, 4, 4, 0, 0]
    assert score("pss10", calm) == (0.0, "low")
    # The opposite: 6 items x 4 + 4 reversed items answered 0 (-> 4) = 40, high.
    assert score("pss10", [4, 4, 4, 0, 0, 4, 0, 0, 4, 4]) == (40.0, "high")
    # Band edges: 13 low, 14 moderate, 26 moderate, 27 high.
    assert score("pss10", [4, 4, 4, 4, 4, 1, 4, 4, 0, 0])[0] == 13.0
    assert score("pss10", [4, 4, 4, 4, 4, 1, 4, 4, 0, 0])[1] == "low"
    assert score("pss10", [4, 4, 4, 4, 4, 2, 4, 4, 0, 0]) == (14.0, "moderate")
    assert score("pss10", [4, 4, 4, 2, 2, 4, 2, 2, 2, 0]) == (26.0, "moderate")
    assert score("pss10", [4, 4, 4, 2, 2, 4, 2, 2, 3, 0]) == (27.0, "high")


@pytest.mark.parametrize("name", sorted(INSTRUMENTS))
@given(data=st.data())
def test_scores_stay_in_the_published_range(name: str, data: st.DataObject) -> None:
    instrument = INSTRUMENTS[name]
    answers = [data.draw(st.sampled_from(sorted(item.scale))) for item in instrument.items]
    low, high = instrument.score_range
    assert low <= instrument.score(answers).score <= high
