"""Who is asking and from where: what the audit log records about a request, without FastAPI in the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str | None = None
    actor_id: uuid.UUID | None = None

    def acting_as(self, actor_id: uuid.UUID) -> RequestContext:
        return RequestContext(ip=self.ip, request_id=self.request_id, actor_id=actor_id)


# For work that no request started (the CLI, jobs).
SYSTEM = RequestContext()
