"""Every domain router carries the full `/api/v1/...` prefix itself, so the matched route's path is the whole
template (what access logs and metrics label requests with)."""

API_PREFIX = "/api/v1"
