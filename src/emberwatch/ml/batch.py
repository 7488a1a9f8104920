"""Batch scoring and evaluation on CSV files (SPEC §2.2), with the same features and model code as the API.

Input: `user_id,date,exhaustion,capability,meaningfulness`. Output: one row per input row,
`user_id,date,risk_level,p_low,p_moderate,p_high,at_risk,days_in_window`, from that user's 7-day window ending on
that date. Every bad row is reported with its line number; nothing is scored from a file with errors.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from emberwatch.ml.features import Items, window_features
from emberwatch.ml.kalimo import LEVELS
from emberwatch.ml.predictor import RiskModel

CHECKIN_COLUMNS = ("user_id", "date", "exhaustion", "capability", "meaningfulness")
LABEL_COLUMNS = ("user_id", "date", "risk_level")
OUTPUT_COLUMNS = ("user_id", "date", "risk_level", "p_low", "p_moderate", "p_high", "at_risk", "days_in_window")
MAX_REPORTED_ERRORS = 50


class InputError(Exception):
    """The file cannot be used; `problems` lists each bad line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        more = f"\n… and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__("\n".join(shown) + more)


@dataclass(frozen=True)
class CheckInRow:
    line: int
    user_id: str
    day: date
    items: Items


def _rows(handle: TextIO, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(handle)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError([f"line 1: missing column(s) {', '.join(missing)}; expected {','.join(columns)}"])
    for row in reader:
        yield reader.line_num, row


def _parse_item(raw: str | None, name: str, line: int, problems: list[str]) -> int:
    try:
        value = int((raw or "").strip())
    except ValueError:
        problems.append(f"line {line}: {name} must be an integer 0–6, got {raw!r}")
        return -1
    if not 0 <= value <= 6:
        problems.append(f"line {line}: {name} must be between 0 and 6, got {value}")
    return value


def _parse_date(raw: str | None, line: int, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        problems.append(f"line {line}: date must be YYYY-MM-DD, got {raw!r}")
        return None


def read_checkins(handle: TextIO) -> list[CheckInRow]:
    rows: list[CheckInRow] = []
    problems: list[str] = []
    seen: dict[tuple[str, date], int] = {}
    for line, raw in _rows(handle, CHECKIN_COLUMNS):
        user_id = (raw.get("user_id") or "").strip()
        if not user_id:
            problems.append(f"line {line}: user_id is empty")
        day = _parse_date(raw.get("date"), line, problems)
        values = [_parse_item(raw.get(name), name, line, problems) for name in CHECKIN_COLUMNS[2:]]
        if day is not None and user_id:
            if (user_id, day) in seen:
                problems.append(
                    f"line {line}: a second check-in for {user_id} on {day} (first on line {seen[(user_id, day)]})"
                )
            seen[(user_id, day)] = line
        if day is not None and user_id and all(0 <= v <= 6 for v in values):
            rows.append(CheckInRow(line, user_id, day, Items(*values)))
    if problems:
        raise InputError(problems)
    return rows


def read_labels(handle: TextIO) -> dict[tuple[str, date], int]:
    labels: dict[tuple[str, date], int] = {}
    problems: list[str] = []
    for line, raw in _rows(handle, LABEL_COLUMNS):
        day = _parse_date(raw.get("date"), line, problems)
        level = (raw.get("risk_level") or "").strip().lower()
        if level not in LEVELS:
            problems.append(f"line {line}: risk_level must be low, moderate or high, got {raw.get('risk_level')!r}")
            continue
        if day is not None:
            labels[((raw.get("user_id") or "").strip(), day)] = LEVELS.index(level)
    if problems:
        raise InputError(problems)
    return labels


def score(rows: Iterable[CheckInRow], model: RiskModel) -> list[dict[str, Any]]:
    rows = list(rows)
    by_user: dict[str, dict[date, Items]] = defaultdict(dict)
    for row in rows:
        by_user[row.user_id][row.day] = row.items
    features = [window_features(by_user[row.user_id], row.day) for row in rows]
    if not rows:
        return []
    x = np.array([f.vector() for f in features if f is not None], dtype=np.float64)
    proba = model.proba(x)
    out = []
    for row, f, p in zip(rows, features, proba, strict=True):
        assert f is not None  # each row's own day is in its window
        out.append(
            {
                "user_id": row.user_id,
                "date": row.day.isoformat(),
                "risk_level": LEVELS[int(np.argmax(p))],
                "p_low": round(float(p[0]), 6),
                "p_moderate": round(float(p[1]), 6),
                "p_high": round(float(p[2]), 6),
                "at_risk": bool(p[2] >= model.threshold),
                "days_in_window": f.days_in_window,
            }
        )
    return out


def write_predictions(path: Path, scored: list[dict[str, Any]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=OUTPUT_COLUMNS)
        writer.writeheader()
        writer.writerows({**r, "at_risk": str(r["at_risk"]).lower()} for r in scored)
