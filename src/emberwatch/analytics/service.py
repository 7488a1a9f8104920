"""Team analytics (SPEC §2.4): rollups kept current as data arrives, read through the privacy rule.

Managers see the departments they manage and everything below them; admins see all. Every cell passes
`privacy.rule`: a group under k people is withheld, and when a parent's total is shown, enough siblings are
withheld too that nobody can be recovered by subtraction — computed on the whole tree, so every viewer and every
endpoint withholds the same cells.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.analytics import repository
from emberwatch.analytics.models import DepartmentWeek
from emberwatch.core.cache import Cache
from emberwatch.core.errors import NotFound
from emberwatch.privacy.rule import SUPPRESSED, too_small, withheld_siblings
from emberwatch.users.models import Role, User

CACHE_SECONDS = 60
FAMILIES = ("checkins", "surveys", "workload")
PEOPLE = {"checkins": "participants", "surveys": "cbi_respondents", "workload": "workload_members"}
SUMMED = [
    c.name for c in DepartmentWeek.__table__.columns if c.name not in ("department_id", "week_start", "updated_at")
]


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


async def refresh(session: AsyncSession, department_id: uuid.UUID | None, day: date) -> None:
    """Bring one department-week up to date, in the transaction that changed its data."""
    if department_id is not None:
        await repository.recompute(session, department_id, week_of(day))


async def rebuild(session: AsyncSession) -> int:
    """Recompute every rollup from the raw rows (`emberwatch analytics rebuild`)."""
    await repository.clear(session)
    weeks = {(d, week_of(day)) for d, day in await repository.weeks_with_data(session)}
    for department_id, week in sorted(weeks):
        await repository.recompute(session, department_id, week)
    return len(weeks)


@dataclass
class Tree:
    names: dict[uuid.UUID, str]
    parent: dict[uuid.UUID, uuid.UUID | None]
    children: dict[uuid.UUID | None, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))

    def below(self, root: uuid.UUID) -> list[uuid.UUID]:
        found, frontier = [], [root]
        while frontier:
            node = frontier.pop()
            found.append(node)
            frontier.extend(self.children.get(node, []))
        return found


async def _tree(session: AsyncSession) -> Tree:
    rows = await repository.departments(session)
    tree = Tree(names={i: n for i, n, _ in rows}, parent={i: p for i, _, p in rows})
    for i, _, p in rows:
        tree.children[p].append(i)
    return tree


async def visible_departments(session: AsyncSession, user: User, tree: Tree) -> list[uuid.UUID]:
    if user.role == Role.admin:
        return sorted(tree.names, key=lambda d: tree.names[d])
    visible: set[uuid.UUID] = set()
    for root in await repository.managed_by(session, user.id):
        visible.update(tree.below(root))
    return sorted(visible, key=lambda d: tree.names[d])


def _values(row: dict[str, Any] | None) -> dict[str, float]:
    return {name: float(row[name]) for name in SUMMED} if row is not None else dict.fromkeys(SUMMED, 0.0)


def _mean(total: float, n: float) -> float | None:
    return round(total / n, 3) if n else None


def _cell_values(t: dict[str, float], members: int) -> dict[str, Any]:
    n = t["participants"]
    return {
        "checkins": {
            "participants": int(n),
            "participation_rate": round(n / members, 3) if members else None,
            "ee": _mean(t["sum_ee"], t["checkins"]),
            "pa": _mean(t["sum_pa"], t["checkins"]),
            "dp": _mean(t["sum_dp"], t["checkins"]),
            "risk_distribution": {
                "low": int(t["risk_low"]),
                "moderate": int(t["risk_moderate"]),
                "high": int(t["risk_high"]),
            },
            "at_risk": int(t["at_risk"]),
        },
        "surveys": {
            "respondents": int(t["cbi_respondents"]),
            "cbi_work_mean": _mean(t["cbi_work_sum"], t["cbi_respondents"]),
        },
        "workload": {
            "members": int(t["workload_members"]),
            "risk_distribution": {
                "low": int(t["workload_low"]),
                "medium": int(t["workload_medium"]),
                "high": int(t["workload_high"]),
                "critical": int(t["workload_critical"]),
            },
        },
    }


def _post_order(tree: Tree) -> list[uuid.UUID]:
    order: list[uuid.UUID] = []
    stack: list[tuple[uuid.UUID, bool]] = [(root, False) for root in tree.children.get(None, [])]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in tree.children.get(node, []))
    return order


def _subtree_members(tree: Tree, members: dict[uuid.UUID, int]) -> dict[uuid.UUID, int]:
    totals: dict[uuid.UUID, int] = {}
    for node in _post_order(tree):
        totals[node] = members.get(node, 0) + sum(totals[c] for c in tree.children.get(node, []))
    return totals


class Grid:
    """Subtree totals of every department for a run of weeks, with the withheld cells worked out once."""

    def __init__(self, tree: Tree, rows: list[dict[str, Any]], weeks: list[date], k: int) -> None:
        self.tree, self.weeks, self.k = tree, weeks, k
        own = {(r["department_id"], r["week_start"]): r for r in rows}
        self.own = {key: _values(row) for key, row in own.items()}
        # Subtree totals bottom-up, each department once: children are summed before their parent.
        self.total: dict[tuple[uuid.UUID, date], dict[str, float]] = {}
        for department in _post_order(tree):
            for week in weeks:
                total = _values(own.get((department, week)))
                for child in tree.children.get(department, []):
                    for name, value in self.total[(child, week)].items():
                        total[name] += value
                self.total[(department, week)] = total
        self.withheld: set[tuple[str, uuid.UUID, date]] = set()
        for family, people in PEOPLE.items():
            for week in weeks:
                self._withhold(family, people, week)

    def _withhold(self, family: str, people: str, week: date) -> None:
        empty = dict.fromkeys(SUMMED, 0.0)
        for department in self.tree.names:
            if too_small(int(self.total[(department, week)][people]), self.k):
                self.withheld.add((family, department, week))
        for parent in [*self.tree.names, None]:
            children = self.tree.children.get(parent, [])
            if parent is None or not children:
                continue
            groups: dict[Any, int] = {c: int(self.total[(c, week)][people]) for c in children}
            groups["own"] = int(self.own.get((parent, week), empty)[people])
            parent_shown = not too_small(int(self.total[(parent, week)][people]), self.k)
            for key in withheld_siblings(groups, self.k, parent_shown=parent_shown):
                if key != "own":
                    self.withheld.add((family, key, week))

    def cell(self, department: uuid.UUID, week: date, members: int) -> dict[str, Any]:
        values = _cell_values(self.total[(department, week)], members)
        out: dict[str, Any] = {"week_start": week.isoformat()}
        for family in FAMILIES:
            out[family] = dict(SUPPRESSED) if (family, department, week) in self.withheld else values[family]
        return out


async def _grid(session: AsyncSession, weeks: list[date], k: int) -> Grid:
    tree = await _tree(session)
    rows = await repository.rollups(session, list(tree.names), weeks[0], weeks[-1])
    return Grid(tree, rows, weeks, k)


def _weeks(today: date, count: int) -> list[date]:
    current = week_of(today)
    return [current - timedelta(weeks=i) for i in range(count - 1, -1, -1)]


async def overview(session: AsyncSession, cache: Cache, user: User, today: date, weeks: int, k: int) -> dict[str, Any]:
    """Per visible department and week: participation, mean 7-day EE/PA/DP, risk and workload distributions."""
    tree = await _tree(session)
    visible = await visible_departments(session, user, tree)
    span = _weeks(today, weeks)
    version = await repository.rollup_version(session)
    key = f"analytics:overview:{user.id}:{user.role}:{today}:{weeks}:{k}:{version}:{len(tree.names)}"
    cached = await cache.get(key)
    if cached is not None:
        return dict(cached)
    grid = Grid(tree, await repository.rollups(session, list(tree.names), span[0], span[-1]), span, k)
    members = _subtree_members(tree, await repository.active_members(session))
    result = {
        "privacy_min_group_size": k,
        "weeks": [w.isoformat() for w in span],
        "departments": [
            {
                "id": str(d),
                "name": tree.names[d],
                "parent_id": str(tree.parent[d]) if tree.parent[d] else None,
                "active_members": members.get(d, 0),
                "weeks": [grid.cell(d, w, members.get(d, 0)) for w in span],
            }
            for d in visible
        ],
    }
    await cache.set(key, result, CACHE_SECONDS)
    return result


async def department_health(
    session: AsyncSession, cache: Cache, user: User, department_id: uuid.UUID, today: date, weeks: int, k: int
) -> dict[str, Any]:
    """One department (with everything below it) week by week; the same cells withheld as in the overview."""
    tree = await _tree(session)
    if department_id not in await visible_departments(session, user, tree):
        raise NotFound("No such department.")
    span = _weeks(today, weeks)
    version = await repository.rollup_version(session)
    key = f"analytics:health:{department_id}:{today}:{weeks}:{k}:{version}:{len(tree.names)}"
    cached = await cache.get(key)
    if cached is not None:
        return dict(cached)
    grid = Grid(tree, await repository.rollups(session, list(tree.names), span[0], span[-1]), span, k)
    count = _subtree_members(tree, await repository.active_members(session)).get(department_id, 0)
    result = {
        "department_id": str(department_id),
        "name": tree.names[department_id],
        "privacy_min_group_size": k,
        "active_members": count,
        "weeks": [grid.cell(department_id, w, count) for w in span],
    }
    await cache.set(key, result, CACHE_SECONDS)
    return result


async def user_summary(session: AsyncSession, caller: User, user_id: uuid.UUID, now: Any) -> dict[str, Any]:
    """Self only: anyone asking about another person is told there is no such user."""
    if user_id != caller.id:
        raise NotFound("No such user.")
    from emberwatch.checkins import service as checkins
    from emberwatch.surveys import service as surveys

    dashboard = await checkins.dashboard(session, caller, now)
    weekly = await checkins.weekly_risk(session, caller, dashboard.today, weeks=12)
    latest_surveys = await surveys.latest_by_instrument(session, caller)
    return {
        "user_id": str(caller.id),
        "today": dashboard.today.isoformat(),
        "checkins": {
            "streak_days": dashboard.streak_days,
            "today_submitted": dashboard.today_submitted,
            "rolling_7d": dashboard.rolling_7d.model_dump(),
            "trend": dashboard.trend.model_dump(),
        },
        "risk_by_week": weekly,
        "latest_prediction": dashboard.latest_prediction.model_dump(mode="json")
        if dashboard.latest_prediction
        else None,
        "surveys": latest_surveys,
        "diary": None,
        "workload": dashboard.workload.model_dump(mode="json") if dashboard.workload else None,
    }
