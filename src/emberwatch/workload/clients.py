"""Clients for Rootly (JSON:API) and PagerDuty (REST v2) that return people and incidents in the normal form.

Every list is paged to its end; 429 and 5xx are retried with backoff (honouring `Retry-After`), 401/403 mean a bad
token and are not retried. Tokens never appear in errors or logs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
import structlog
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_base

from emberwatch.core.config import PlatformSettings

log = structlog.get_logger(__name__)

ROOTLY_SEVERITY = {"sev0": "critical", "sev1": "high", "sev2": "medium", "sev3": "low", "sev4": "low"}
PAGERDUTY_PRIORITY = {"P1": "critical", "P2": "high", "P3": "medium", "P4": "low", "P5": "low"}


class PlatformError(Exception):
    """The platform could not be read; the message is safe to show (it never contains the token)."""


class BadToken(PlatformError):
    pass


class Retryable(PlatformError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Person:
    external_id: str
    email: str
    name: str | None
    timezone: str | None


@dataclass(frozen=True)
class IncidentRow:
    """The normal form: one row per responder of an incident."""

    external_id: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    severity: str
    responder_email: str
    responder_name: str | None
    title: str | None


@dataclass
class Snapshot:
    people: list[Person] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)


class PlatformClient(Protocol):
    async def check(self) -> None: ...

    async def snapshot(self, start: datetime, end: datetime) -> Snapshot: ...


def parse_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _RetryAfterOrExponential(wait_base):
    """Wait what the platform asked for (capped), else exponential backoff."""

    def __init__(self, settings: PlatformSettings) -> None:
        self.settings = settings

    def __call__(self, retry_state: Any) -> float:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(error, Retryable) and error.retry_after is not None:
            return float(min(error.retry_after, self.settings.max_retry_after_seconds))
        return float(min(self.settings.backoff_base_seconds * 2 ** (retry_state.attempt_number - 1), 30.0))


class _Http:
    def __init__(self, base_url: str, headers: dict[str, str], settings: PlatformSettings, platform: str) -> None:
        self.settings = settings
        self.platform = platform
        self.client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, timeout=settings.timeout_seconds, follow_redirects=False
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def get(self, path: str, params: dict[str, Any] | list[tuple[str, Any]]) -> dict[str, Any]:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=_RetryAfterOrExponential(self.settings),
            retry=retry_if_exception_type(Retryable),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._once(path, params)
        except Retryable as exc:
            raise PlatformError(
                f"{self.platform} kept failing after {self.settings.max_attempts} attempts: {exc}"
            ) from exc
        raise AssertionError("unreachable")

    async def _once(self, path: str, params: dict[str, Any] | list[tuple[str, Any]]) -> dict[str, Any]:
        try:
            response = await self.client.get(path, params=params)
        except httpx.TimeoutException as exc:
            raise Retryable(f"{self.platform} did not answer in {self.settings.timeout_seconds:.0f} s") from exc
        except httpx.TransportError as exc:
            raise Retryable(f"cannot reach {self.platform}: {type(exc).__name__}") from exc
        status = response.status_code
        if status in (401, 403):
            raise BadToken(
                f"{self.platform} refused the API token (HTTP {status}): check that it is valid and has read access"
            )
        if status == 429 or status >= 500:
            log.warning("platform_retry", platform=self.platform, status=status, path=path)
            raise Retryable(f"HTTP {status} from {self.platform}", _retry_after(response))
        if status >= 400:
            raise PlatformError(f"{self.platform} answered HTTP {status} for {path}")
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformError(f"{self.platform} sent a response that is not JSON") from exc
        if not isinstance(body, dict):
            raise PlatformError(f"{self.platform} sent an unexpected response shape")
        return body


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        moment = parse_time(value)
        return max(0.0, (moment - datetime.now(UTC)).total_seconds()) if moment else None


class RootlyClient:
    def __init__(self, token: str, settings: PlatformSettings) -> None:
        self.settings = settings
        self.http = _Http(
            settings.rootly_base_url,
            {"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.api+json"},
            settings,
            "Rootly",
        )

    async def check(self) -> None:
        try:
            await self.http.get("/v1/users/me", {})
        finally:
            await self.http.close()

    async def _pages(self, path: str, params: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        number = 1
        while True:
            body = await self.http.get(path, {**params, "page[size]": self.settings.page_size, "page[number]": number})
            yield body
            meta = body.get("meta") or {}
            next_page = meta.get("next_page")
            total_pages = meta.get("total_pages")
            if next_page:
                number = int(next_page)
            elif total_pages and number < int(total_pages):
                number += 1
            else:
                return

    async def snapshot(self, start: datetime, end: datetime) -> Snapshot:
        try:
            return await self._snapshot(start, end)
        finally:
            await self.http.close()

    async def _snapshot(self, start: datetime, end: datetime) -> Snapshot:
        users: dict[str, Person] = {}
        async for body in self._pages("/v1/users", {}):
            for item in body.get("data") or []:
                person = _rootly_person(item)
                if person:
                    users[person.external_id] = person
        snapshot = Snapshot(people=list(users.values()))
        params = {
            "filter[created_at][gte]": _iso(start),
            "filter[created_at][lte]": _iso(end),
            "include": "severity,user,started_by,resolved_by,mitigated_by",
        }
        async for body in self._pages("/v1/incidents", params):
            for item in body.get("included") or []:
                if item.get("type") == "users":
                    person = _rootly_person(item)
                    if person and person.external_id not in users:
                        users[person.external_id] = person
                        snapshot.people.append(person)
            for incident in body.get("data") or []:
                snapshot.incidents.extend(_rootly_rows(incident, users))
        return snapshot


def _rootly_person(item: dict[str, Any]) -> Person | None:
    attributes = item.get("attributes") or {}
    email = (attributes.get("email") or "").strip().lower()
    if not email or item.get("id") is None:
        return None
    name = attributes.get("full_name") or attributes.get("name")
    return Person(str(item["id"]), email, name, attributes.get("time_zone"))


def _relation_id(value: Any) -> str | None:
    if isinstance(value, dict):
        data = value.get("data")
        if isinstance(data, dict) and data.get("id") is not None:
            return str(data["id"])
    return None


def _first_response(created: datetime, candidates: list[datetime | None]) -> datetime | None:
    """Response time ends at the first of acknowledged / started / mitigated that is not before creation."""
    after = [c for c in candidates if c is not None and c >= created]
    return min(after) if after else None


def _rootly_rows(incident: dict[str, Any], users: dict[str, Person]) -> list[IncidentRow]:
    a = incident.get("attributes") or {}
    created = parse_time(a.get("created_at"))
    if created is None or incident.get("id") is None:
        return []
    severity_data = (a.get("severity") or {}).get("data") or {}
    slug = ((severity_data.get("attributes") or {}).get("slug") or "").lower()
    severity = ROOTLY_SEVERITY.get(slug, "unknown")
    acknowledged = _first_response(
        created,
        [parse_time(a.get("acknowledged_at")), parse_time(a.get("started_at")), parse_time(a.get("mitigated_at"))],
    )
    responders = {_relation_id(a.get(role)) for role in ("user", "started_by", "mitigated_by", "resolved_by")} - {None}
    rows = []
    for user_id in sorted(r for r in responders if r is not None):
        person = users.get(user_id)
        if person is None:
            continue
        rows.append(
            IncidentRow(
                external_id=str(incident["id"]),
                created_at=created,
                acknowledged_at=acknowledged,
                resolved_at=parse_time(a.get("resolved_at")),
                severity=severity,
                responder_email=person.email,
                responder_name=person.name,
                title=a.get("title"),
            )
        )
    return rows


class PagerDutyClient:
    def __init__(self, token: str, settings: PlatformSettings) -> None:
        self.settings = settings
        self.http = _Http(
            settings.pagerduty_base_url,
            {"Authorization": f"Token token={token}", "Accept": "application/vnd.pagerduty+json;version=2"},
            settings,
            "PagerDuty",
        )

    async def check(self) -> None:
        try:
            await self.http.get("/users", {"limit": 1})
        finally:
            await self.http.close()

    async def _pages(self, path: str, key: str, params: list[tuple[str, Any]]) -> AsyncIterator[dict[str, Any]]:
        offset = 0
        while True:
            body = await self.http.get(path, [*params, ("limit", self.settings.page_size), ("offset", offset)])
            items = body.get(key) or []
            for item in items:
                yield item
            if not body.get("more") or not items:
                return
            offset += len(items)

    async def snapshot(self, start: datetime, end: datetime) -> Snapshot:
        try:
            return await self._snapshot(start, end)
        finally:
            await self.http.close()

    async def _snapshot(self, start: datetime, end: datetime) -> Snapshot:
        users: dict[str, Person] = {}
        async for item in self._pages("/users", "users", []):
            email = (item.get("email") or "").strip().lower()
            if email and item.get("id") is not None:
                users[str(item["id"])] = Person(str(item["id"]), email, item.get("name"), item.get("time_zone"))
        snapshot = Snapshot(people=list(users.values()))
        params: list[tuple[str, Any]] = [
            ("since", _iso(start)),
            ("until", _iso(end)),
            ("time_zone", "UTC"),
            *[("statuses[]", s) for s in ("triggered", "acknowledged", "resolved")],
            *[("include[]", i) for i in ("assignees", "acknowledgers", "priorities")],
        ]
        async for incident in self._pages("/incidents", "incidents", params):
            snapshot.incidents.extend(_pagerduty_rows(incident, users))
        return snapshot


def _pagerduty_severity(incident: dict[str, Any]) -> str:
    priority = (incident.get("priority") or {}).get("summary")
    if priority in PAGERDUTY_PRIORITY:
        return PAGERDUTY_PRIORITY[priority]
    return {"high": "high", "low": "low"}.get(incident.get("urgency") or "", "unknown")


def _pagerduty_rows(incident: dict[str, Any], users: dict[str, Person]) -> list[IncidentRow]:
    created = parse_time(incident.get("created_at"))
    if created is None or incident.get("id") is None:
        return []
    acks = [parse_time(a.get("at")) for a in incident.get("acknowledgements") or []]
    acknowledged = _first_response(created, acks)
    resolved = parse_time(incident.get("last_status_change_at")) if incident.get("status") == "resolved" else None
    responders: dict[str, tuple[str, str | None]] = {}
    for entry, key in [(a, "assignee") for a in incident.get("assignments") or []] + [
        (a, "acknowledger") for a in incident.get("acknowledgements") or []
    ]:
        ref = entry.get(key) or {}
        person = users.get(str(ref.get("id")))
        email = (person.email if person else (ref.get("email") or "")).strip().lower()
        if email:
            responders.setdefault(email, (email, person.name if person else ref.get("summary")))
    return [
        IncidentRow(
            external_id=str(incident["id"]),
            created_at=created,
            acknowledged_at=acknowledged,
            resolved_at=resolved,
            severity=_pagerduty_severity(incident),
            responder_email=email,
            responder_name=name,
            title=incident.get("title"),
        )
        for email, name in responders.values()
    ]


def client_for(platform: str, token: str, settings: PlatformSettings) -> PlatformClient:
    if platform == "rootly":
        return RootlyClient(token, settings)
    if platform == "pagerduty":
        return PagerDutyClient(token, settings)
    raise PlatformError(f"{platform} has no API client")
