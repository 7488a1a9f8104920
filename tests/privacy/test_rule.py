"""The privacy rule: small groups are withheld, and so are enough siblings that subtraction reveals nothing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from emberwatch.privacy.rule import SUPPRESSED, cell, withheld_siblings


def test_cells_under_k_are_withheld() -> None:
    assert cell(3.2, 4, 5) == {"suppressed": True, "reason": "group_too_small"}
    assert cell(3.2, 5, 5) == 3.2
    assert cell(None, 0, 5) is None  # nobody, nothing to reveal
    assert cell(7, 9, 10) == SUPPRESSED  # free text uses k = 10


def test_sub_departments_of_6_and_4_under_a_parent_of_10() -> None:
    assert withheld_siblings({"a": 6, "b": 4}, 5, parent_shown=True) == {"a", "b"}
    assert withheld_siblings({"a": 6, "b": 4}, 5, parent_shown=False) == {"b"}


def test_next_smallest_sibling_is_withheld() -> None:
    assert withheld_siblings({"a": 20, "b": 7, "c": 2}, 5, parent_shown=True) == {"b", "c"}
    # Two tiny groups together still hold fewer than k: keep withholding.
    assert withheld_siblings({"a": 30, "b": 6, "c": 1, "d": 1}, 5, parent_shown=True) == {"b", "c", "d"}
    assert withheld_siblings({"a": 30, "b": 6, "c": 3, "d": 3}, 5, parent_shown=True) == {"c", "d"}


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 40), max_size=8), st.integers(3, 10))
def test_nothing_can_be_recovered_by_subtraction(groups: dict[str, int], k: int) -> None:
    withheld = withheld_siblings(groups, k, parent_shown=True)
    # Every small group is withheld, and what is withheld is either nothing or at least k people together
    # (or everything), so parent minus the shown groups never isolates fewer than k people.
    assert {g for g, n in groups.items() if 0 < n < k} <= withheld
    hidden = sum(groups[g] for g in withheld)
    assert hidden == 0 or hidden >= k or withheld >= {g for g, n in groups.items() if n > 0}
