"""A demo organisation for `make run`: departments, managers, members and 90 days of simulated check-ins.

Passwords are random and returned once, to be printed; nothing about them is kept but their hashes.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emberwatch.auth.service import AuthKit
from emberwatch.checkins import service as checkins
from emberwatch.core.context import SYSTEM
from emberwatch.departments import service as departments
from emberwatch.departments.schemas import DepartmentCreate
from emberwatch.ml.features import Items
from emberwatch.ml.predictor import RiskModel
from emberwatch.ml.simulator import SimulationConfig, simulate
from emberwatch.users import service as users
from emberwatch.users.models import Role, User
from emberwatch.users.schemas import UserCreate

DOMAIN = "demo.example.org"
HISTORY_DAYS = 90
FIRST_NAMES = [
    "Ada", "Ben", "Chloé", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kaia", "Luis", "Mei", "Nadia",
    "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomás", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia",
    "Arjun", "Bea", "Caio", "Dana", "Emil", "Farah", "Gabe", "Hana", "Ivo", "Jin",
]  # fmt: skip
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London", "UTC"]
# (department, parent, manager key, members)
ORGANISATION = [
    ("Engineering", None, "maya", 0),
    ("Platform", "Engineering", None, 10),
    ("Mobile", "Engineering", None, 8),
    ("Operations", None, "omar", 6),
    ("Support", "Operations", None, 12),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    department: str | None


async def is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(User))


async def _account(
    session: AsyncSession, kit: AuthKit, key: str, role: Role, department_id: uuid.UUID | None, zone: str
) -> tuple[User, str]:
    password = secrets.token_urlsafe(12)
    data = UserCreate(
        email=f"{key.lower()}@{DOMAIN}",
        password=password,
        full_name=key.title(),
        role=role,
        department_id=department_id,
        timezone=zone,
    )
    return await users.create(session, kit.hasher, data, SYSTEM, action="user.created"), password


async def build(session: AsyncSession, kit: AuthKit, model: RiskModel, today: date) -> list[DemoAccount]:
    accounts: list[DemoAccount] = []
    admin, password = await _account(session, kit, "admin", Role.admin, None, "UTC")
    accounts.append(DemoAccount(admin.email, password, "admin", None))

    ids: dict[str, uuid.UUID] = {}
    members: list[tuple[User, str]] = []
    names = iter(FIRST_NAMES)
    for name, parent, manager_key, headcount in ORGANISATION:
        manager_ids = []
        if manager_key:
            manager, password = await _account(session, kit, manager_key, Role.manager, None, "Europe/Berlin")
            accounts.append(DemoAccount(manager.email, password, "manager", name))
            manager_ids.append(manager.id)
        parent_id = ids[parent] if parent else None
        structure = DepartmentCreate(name=name, parent_id=parent_id, manager_ids=manager_ids)
        created = await departments.create(session, structure, SYSTEM)
        ids[name] = created.id
        for i in range(headcount):
            user, password = await _account(session, kit, next(names), Role.member, created.id, ZONES[i % len(ZONES)])
            members.append((user, name))
            accounts.append(DemoAccount(user.email, password, "member", name))

    sim = simulate(
        SimulationConfig(users=len(members), days=HISTORY_DAYS, seed=2026, start=today - timedelta(days=HISTORY_DAYS))
    )
    for u, (user, _) in enumerate(members):
        history: dict[date, Items] = {d: items for d, items in sim.observed(u).items() if d < today}
        await checkins.import_history(session, user, history, model)
    return accounts
