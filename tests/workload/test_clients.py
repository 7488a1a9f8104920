"""The Rootly and PagerDuty clients against a local fake platform on 127.0.0.1 that speaks the real shapes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from emberwatch.core.config import PlatformSettings
from emberwatch.workload import clients
from tests.workload.fake_platforms import TOKEN, FakePlatforms, rootly_incident, rootly_user, serving

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 31, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[tuple[FakePlatforms, PlatformSettings]]:
    with serving() as (platforms, url):
        settings = PlatformSettings(
            rootly_base_url=url, pagerduty_base_url=url, page_size=2, max_attempts=3, backoff_base_seconds=0.05
        )
        yield platforms, settings


def _rootly(platforms: FakePlatforms) -> None:
    platforms.data.rootly_users = [
        rootly_user("u1", "Ana@Example.org", "Ana", "Europe/Berlin"),
        rootly_user("u2", "bo@example.org", "Bo", "America/Los_Angeles"),
        rootly_user("u3", "cy@example.org", "Cy", "Asia/Tokyo"),
    ]
    platforms.data.rootly_incidents = [
        rootly_incident(
            f"r{i}",
            f"2026-03-{10 + i:02d}T20:00:00Z",
            severity=["sev0", "sev1", "sev2", "sev3", "sev4"][i % 5],
            user="u1",
            started_by="u2" if i % 2 else None,
            resolved_by="u1",
            acknowledged=f"2026-03-{10 + i:02d}T20:30:00Z" if i % 3 else None,
            mitigated=f"2026-03-{10 + i:02d}T20:10:00Z",
        )
        for i in range(7)
    ] + [rootly_incident("old", "2026-01-01T00:00:00Z", user="u1")]


async def test_rootly_pages_to_the_end_and_normalises(fake: tuple[FakePlatforms, PlatformSettings]) -> None:
    platforms, settings = fake
    _rootly(platforms)
    snapshot = await clients.RootlyClient(TOKEN, settings).snapshot(START, END)
    assert {p.email for p in snapshot.people} == {"ana@example.org", "bo@example.org", "cy@example.org"}
    by_incident: dict[str, list[clients.IncidentRow]] = {}
    for row in snapshot.incidents:
        by_incident.setdefault(row.external_id, []).append(row)
    assert sorted(by_incident) == [f"r{i}" for i in range(7)]  # paged through 4 pages of 2; January filtered out
    # user and resolved_by are the same person: counted once; started_by adds Bo on odd incidents.
    assert [len(by_incident[f"r{i}"]) for i in range(7)] == [1, 2, 1, 2, 1, 2, 1]
    first = by_incident["r0"][0]
    assert first.severity == "critical" and first.responder_email == "ana@example.org"
    # Response ends at the first of acknowledged / started / mitigated: mitigated 20:10 beats acknowledged 20:30.
    assert first.acknowledged_at == datetime(2026, 3, 10, 20, 10, tzinfo=UTC)
    assert [by_incident[f"r{i}"][0].severity for i in range(5)] == ["critical", "high", "medium", "low", "low"]
    pages = [r for r in platforms.behaviour.requests if r.startswith("/v1/incidents")]
    assert len(pages) == 4 and "include=severity%2Cuser%2Cstarted_by%2Cresolved_by%2Cmitigated_by" in pages[0]


async def test_rate_limit_waits_for_retry_after(fake: tuple[FakePlatforms, PlatformSettings]) -> None:
    platforms, settings = fake
    _rootly(platforms)
    platforms.behaviour.rate_limited = 1
    platforms.behaviour.retry_after = "1"
    started = time.monotonic()
    snapshot = await clients.RootlyClient(TOKEN, settings).snapshot(START, END)
    assert time.monotonic() - started >= 0.95
    assert len({r.external_id for r in snapshot.incidents}) == 7


async def test_bad_token_is_reported_not_retried(fake: tuple[FakePlatforms, PlatformSettings]) -> None:
    platforms, settings = fake
    with pytest.raises(clients.BadToken, match="refused the API token"):
        await clients.RootlyClient("wrong-token", settings).check()
    assert len(platforms.behaviour.requests) == 1
    with pytest.raises(clients.BadToken) as raised:
        await clients.PagerDutyClient("wrong-token", settings).snapshot(START, END)
    assert "wrong-token" not in str(raised.value)


async def test_server_errors_are_retried_then_fail_with_a_message(fake: tuple[FakePlatforms, PlatformSettings]) -> None:
    platforms, settings = fake
    platforms.behaviour.failures = 2
    await clients.RootlyClient(TOKEN, settings).check()  # two 500s, then success on the third attempt
    platforms.behaviour.failures = 10
    with pytest.raises(clients.PlatformError, match="kept failing after 3 attempts: HTTP 500"):
        await clients.RootlyClient(TOKEN, settings).check()


async def test_unreachable_platform_is_a_clear_error() -> None:
    settings = PlatformSettings(rootly_base_url="http://127.0.0.1:9", max_attempts=2, backoff_base_seconds=0.01)
    with pytest.raises(clients.PlatformError, match="cannot reach Rootly"):
        await clients.RootlyClient(TOKEN, settings).check()


async def test_pagerduty_pages_and_maps_priority_urgency_and_acknowledgements(
    fake: tuple[FakePlatforms, PlatformSettings],
) -> None:
    platforms, settings = fake
    platforms.data.pagerduty_users = [
        {"id": "P1", "name": "Ana", "email": "ana@example.org", "time_zone": "Europe/Berlin"},
        {"id": "P2", "name": "Bo", "email": "bo@example.org", "time_zone": "America/New_York"},
    ]

    def incident(i: int, priority: str | None, urgency: str) -> dict[str, object]:
        return {
            "id": f"Q{i}",
            "title": f"page {i}",
            "status": "resolved",
            "urgency": urgency,
            "created_at": f"2026-03-0{i + 1}T03:00:00Z",
            "last_status_change_at": f"2026-03-0{i + 1}T04:00:00Z",
            "priority": {"summary": priority} if priority else None,
            "assignments": [{"at": f"2026-03-0{i + 1}T03:00:00Z", "assignee": {"id": "P1", "summary": "Ana"}}],
            "acknowledgements": [
                {"at": f"2026-03-0{i + 1}T03:20:00Z", "acknowledger": {"id": "P2", "summary": "Bo"}},
                {"at": f"2026-03-0{i + 1}T03:05:00Z", "acknowledger": {"id": "P1", "summary": "Ana"}},
            ],
            "service": {"id": "S", "summary": "api"},
        }

    platforms.data.pagerduty_incidents = [
        incident(0, "P1", "high"),
        incident(1, "P3", "low"),
        incident(2, None, "high"),
        incident(3, None, "low"),
        incident(4, "P5", "high"),
    ]
    platforms.behaviour.rate_limited = 1
    platforms.behaviour.retry_after = None  # PagerDuty may omit it: exponential backoff instead
    snapshot = await clients.PagerDutyClient(TOKEN, settings).snapshot(START, END)
    rows = {(r.external_id, r.responder_email): r for r in snapshot.incidents}
    assert len(rows) == 10  # five incidents, Ana (assignee + acknowledger) and Bo, once each
    assert [rows[(f"Q{i}", "ana@example.org")].severity for i in range(5)] == [
        "critical",
        "medium",
        "high",
        "low",
        "low",
    ]
    # The first acknowledgement ends the response, whoever gave it.
    assert rows[("Q0", "bo@example.org")].acknowledged_at == datetime(2026, 3, 1, 3, 5, tzinfo=UTC)
    assert rows[("Q0", "ana@example.org")].resolved_at == datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
    assert any("include%5B%5D=acknowledgers" in r for r in platforms.behaviour.requests)
