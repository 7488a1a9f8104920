"""A local stand-in for Rootly and PagerDuty on 127.0.0.1, speaking their real response shapes (see
shared/reference/platforms.md), which tests can tell to rate-limit or fail. The clients under test talk to it
over real HTTP; nothing of theirs is mocked."""

from __future__ import annotations

import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "fake-platform-token-123"


@dataclass
class Behaviour:
    """What the next requests get, before the real answer: a number of 429s or 500s."""

    rate_limited: int = 0
    retry_after: str | None = "1"
    failures: int = 0
    requests: list[str] = field(default_factory=list)


@dataclass
class PlatformData:
    rootly_users: list[dict[str, Any]] = field(default_factory=list)
    rootly_incidents: list[dict[str, Any]] = field(default_factory=list)
    pagerduty_users: list[dict[str, Any]] = field(default_factory=list)
    pagerduty_incidents: list[dict[str, Any]] = field(default_factory=list)


class FakePlatforms:
    def __init__(self) -> None:
        self.data = PlatformData()
        self.behaviour = Behaviour()
        self.app = Starlette(
            routes=[
                Route("/v1/users/me", self.rootly_me),
                Route("/v1/users", self.rootly_users),
                Route("/v1/incidents", self.rootly_incidents),
                Route("/users", self.pagerduty_users),
                Route("/incidents", self.pagerduty_incidents),
            ]
        )

    def _gate(self, request: Request, expected_auth: str) -> Response | None:
        self.behaviour.requests.append(str(request.url.path) + "?" + str(request.url.query))
        if request.headers.get("authorization") != expected_auth:
            return JSONResponse({"errors": [{"title": "Unauthorized"}]}, status_code=401)
        if self.behaviour.rate_limited > 0:
            self.behaviour.rate_limited -= 1
            headers = {"Retry-After": self.behaviour.retry_after} if self.behaviour.retry_after else {}
            return JSONResponse({"errors": [{"title": "Too many requests"}]}, status_code=429, headers=headers)
        if self.behaviour.failures > 0:
            self.behaviour.failures -= 1
            return JSONResponse({"errors": [{"title": "Internal error"}]}, status_code=500)
        return None

    # Rootly: JSON:API with page[size] / page[number] and meta.next_page.
    def _rootly_page(self, request: Request, items: list[dict[str, Any]], **extra: Any) -> JSONResponse:
        size = int(request.query_params.get("page[size]", "20"))
        number = int(request.query_params.get("page[number]", "1"))
        pages = max(1, math.ceil(len(items) / size))
        chunk = items[(number - 1) * size : number * size]
        meta = {
            "current_page": number,
            "next_page": number + 1 if number < pages else None,
            "total_pages": pages,
            "total_count": len(items),
        }
        return JSONResponse({"data": chunk, "meta": meta, "links": {}, **extra})

    async def rootly_me(self, request: Request) -> Response:
        return self._gate(request, f"Bearer {TOKEN}") or JSONResponse({"data": {"id": "1", "type": "users"}})

    async def rootly_users(self, request: Request) -> Response:
        return self._gate(request, f"Bearer {TOKEN}") or self._rootly_page(request, self.data.rootly_users)

    async def rootly_incidents(self, request: Request) -> Response:
        refused = self._gate(request, f"Bearer {TOKEN}")
        if refused:
            return refused
        gte = datetime.fromisoformat(request.query_params["filter[created_at][gte]"].replace("Z", "+00:00"))
        lte = datetime.fromisoformat(request.query_params["filter[created_at][lte]"].replace("Z", "+00:00"))
        chosen = [
            i
            for i in self.data.rootly_incidents
            if gte <= datetime.fromisoformat(i["attributes"]["created_at"].replace("Z", "+00:00")) <= lte
        ]
        return self._rootly_page(request, chosen, included=[])

    # PagerDuty: classic offset pagination with `more`.
    def _pd_page(self, request: Request, key: str, items: list[dict[str, Any]]) -> JSONResponse:
        limit = int(request.query_params.get("limit", "25"))
        offset = int(request.query_params.get("offset", "0"))
        chunk = items[offset : offset + limit]
        return JSONResponse({key: chunk, "limit": limit, "offset": offset, "more": offset + limit < len(items)})

    async def pagerduty_users(self, request: Request) -> Response:
        refused = self._gate(request, f"Token token={TOKEN}")
        return refused or self._pd_page(request, "users", self.data.pagerduty_users)

    async def pagerduty_incidents(self, request: Request) -> Response:
        refused = self._gate(request, f"Token token={TOKEN}")
        if refused:
            return refused
        since = datetime.fromisoformat(request.query_params["since"].replace("Z", "+00:00"))
        until = datetime.fromisoformat(request.query_params["until"].replace("Z", "+00:00"))
        chosen = [
            i
            for i in self.data.pagerduty_incidents
            if since <= datetime.fromisoformat(i["created_at"].replace("Z", "+00:00")) <= until
        ]
        return self._pd_page(request, "incidents", chosen)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving() -> Iterator[tuple[FakePlatforms, str]]:
    fake = FakePlatforms()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(fake.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake platform server did not start")
        time.sleep(0.01)
    try:
        yield fake, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def rootly_user(uid: str, email: str, name: str, zone: str) -> dict[str, Any]:
    return {
        "id": uid,
        "type": "users",
        "attributes": {"name": name, "full_name": name, "email": email, "time_zone": zone},
    }


def rootly_incident(
    iid: str,
    created: str,
    *,
    severity: str | None = "sev1",
    user: str | None = None,
    started_by: str | None = None,
    mitigated_by: str | None = None,
    resolved_by: str | None = None,
    acknowledged: str | None = None,
    started: str | None = None,
    mitigated: str | None = None,
    resolved: str | None = None,
) -> dict[str, Any]:
    def rel(value: str | None) -> dict[str, Any]:
        return {"data": {"id": value, "type": "users"} if value else None}

    sev = (
        {"data": {"id": "s", "type": "severities", "attributes": {"name": severity.upper(), "slug": severity}}}
        if severity
        else {"data": None}
    )
    return {
        "id": iid,
        "type": "incidents",
        "attributes": {
            "title": f"Incident {iid}",
            "status": "resolved",
            "created_at": created,
            "started_at": started,
            "acknowledged_at": acknowledged,
            "mitigated_at": mitigated,
            "resolved_at": resolved,
            "severity": sev,
            "user": rel(user),
            "started_by": rel(started_by),
            "mitigated_by": rel(mitigated_by),
            "resolved_by": rel(resolved_by),
        },
    }
