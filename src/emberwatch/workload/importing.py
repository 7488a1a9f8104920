"""Parse an uploaded incident file (CSV or JSON, in the normal form of SPEC §2.5), reporting every bad row by line.

Columns: id, created_at, acknowledged_at?, resolved_at?, severity, responder_email, responder_name?,
responder_timezone?, title?. JSON is a list of objects with the same keys (its "lines" are 1-based item numbers).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import available_timezones

from emberwatch.workload.clients import IncidentRow, Person

REQUIRED = ("id", "created_at", "responder_email")
COLUMNS = (
    "id",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "severity",
    "responder_email",
    "responder_name",
    "responder_timezone",
    "title",
)
SEVERITIES = frozenset({"critical", "high", "medium", "low", "unknown"})
MAX_ROWS = 500_000


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


@dataclass
class Parsed:
    incidents: list[IncidentRow]
    people: list[Person]


def _time(raw: Any, name: str, line: int, problems: list[RowProblem], *, required: bool) -> datetime | None:
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            problems.append(RowProblem(line, f"{name} is required"))
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        problems.append(RowProblem(line, f"{name} must be an ISO 8601 timestamp, got {text[:40]!r}"))
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(raw: Any, limit: int) -> str | None:
    text = "" if raw is None else str(raw).strip()
    return text[:limit] or None


def _rows(records: Iterable[tuple[int, dict[str, Any]]]) -> Parsed:
    zones = available_timezones()
    problems: list[RowProblem] = []
    incidents: list[IncidentRow] = []
    people: dict[str, Person] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, record in records:
        if len(incidents) >= MAX_ROWS:
            problems.append(RowProblem(line, f"files are limited to {MAX_ROWS} rows"))
            break
        external_id = _text(record.get("id"), 128)
        if not external_id:
            problems.append(RowProblem(line, "id is required"))
        email = (_text(record.get("responder_email"), 254) or "").lower()
        if not email:
            problems.append(RowProblem(line, "responder_email is required"))
        elif "@" not in email:
            problems.append(RowProblem(line, f"responder_email is not an email address: {email[:60]!r}"))
        created = _time(record.get("created_at"), "created_at", line, problems, required=True)
        acknowledged = _time(record.get("acknowledged_at"), "acknowledged_at", line, problems, required=False)
        resolved = _time(record.get("resolved_at"), "resolved_at", line, problems, required=False)
        severity = (_text(record.get("severity"), 16) or "unknown").lower()
        if severity not in SEVERITIES:
            problems.append(
                RowProblem(line, f"severity must be one of {', '.join(sorted(SEVERITIES))}, got {severity!r}")
            )
        zone = _text(record.get("responder_timezone"), 64)
        if zone and zone not in zones:
            problems.append(RowProblem(line, f"responder_timezone is not an IANA time zone: {zone!r}"))
        if created and acknowledged and acknowledged < created:
            problems.append(RowProblem(line, "acknowledged_at is before created_at"))
        if external_id and email:
            if (external_id, email) in seen:
                problems.append(
                    RowProblem(line, f"incident {external_id} for {email} repeats line {seen[(external_id, email)]}")
                )
            seen[(external_id, email)] = line
        if problems and problems[-1].line == line:
            continue
        assert external_id and created
        name = _text(record.get("responder_name"), 200)
        incidents.append(
            IncidentRow(
                external_id, created, acknowledged, resolved, severity, email, name, _text(record.get("title"), 500)
            )
        )
        if email not in people or (zone and not people[email].timezone):
            people[email] = Person(external_id=email, email=email, name=name, timezone=zone)
    if problems:
        raise ImportRejected(problems)
    return Parsed(incidents, list(people.values()))


def parse(content: bytes, filename: str | None, content_type: str | None) -> Parsed:
    """CSV unless the name or type says JSON; rejects the whole file if any row is bad."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowProblem(1, "the file is not UTF-8 text")]) from exc
    is_json = (filename or "").lower().endswith(".json") or "json" in (content_type or "")
    if is_json:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ImportRejected([RowProblem(1, f"the file is not valid JSON: {exc}")]) from exc
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ImportRejected([RowProblem(1, "JSON must be a list of incident objects")])
        return _rows(enumerate(data, start=1))
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected([RowProblem(1, f"missing column(s): {', '.join(missing)}; expected {','.join(COLUMNS)}")])
    return _rows((reader.line_num, row) for row in reader)
