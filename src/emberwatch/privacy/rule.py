"""The privacy rule of SPEC §1, in one place that every aggregate passes through.

A cell computed over fewer than `k` distinct people (k = EMBERWATCH_PRIVACY_MIN_GROUP_SIZE, default 5, never below
3; 10 for anything derived from free text) is withheld as `{"suppressed": true, "reason": "group_too_small"}`.
When a parent total is shown, withholding one child is not enough — the parent minus the others would give it
back — so the next-smallest siblings are withheld too, until the withheld children together hold at least k
people (or all are withheld). Pure functions: no database, no web framework.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)

SUPPRESSED: dict[str, Any] = {"suppressed": True, "reason": "group_too_small"}
FREE_TEXT_MIN_GROUP_SIZE = 10


def too_small(people: int, k: int) -> bool:
    """A group with data but fewer than k people is withheld (an empty group has nothing to reveal)."""
    return 0 < people < k


def cell(value: Any, people: int, k: int) -> Any:
    return dict(SUPPRESSED) if too_small(people, k) else value


def withheld_siblings(groups: Mapping[K, int], k: int, *, parent_shown: bool) -> set[K]:
    """Which sibling groups (sizes by key) to withhold: the small ones, and — when their parent's total is shown —
    the next-smallest others until what is withheld adds up to at least k people."""
    withheld = {key for key, n in groups.items() if too_small(n, k)}
    if not parent_shown or not withheld:
        return withheld
    remaining = sorted((n, str(key), key) for key, n in groups.items() if key not in withheld and n > 0)
    while sum(groups[key] for key in withheld) < k and remaining:
        _, _, key = remaining.pop(0)
        withheld.add(key)
    return withheld
