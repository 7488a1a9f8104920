"""Daily check-ins through the API: one per local day, an estimate on every submission, a dashboard that agrees
with the stored rows."""

from __future__ import annotations

import asyncio
import statistics
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from emberwatch.ml.kalimo import composite
from tests.conftest import Account, Clock, account, relogin

ASSESS = "/api/v1/assessments"


def items(e: int, c: int, m: int, **extra: object) -> dict[str, object]:
    return {"exhaustion": e, "capability": c, "meaningfulness": m, **extra}


async def test_submission_returns_the_stored_checkin_with_an_estimate(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    response = await client.post(ASSESS, headers=member.headers, json=items(5, 2, 1, note="long week"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["exhaustion"], body["capability"], body["meaningfulness"], body["note"]) == (5, 2, 1, "long week")
    p = body["prediction"]
    assert p["risk_level"] in ("low", "moderate", "high")
    assert abs(sum(p["probabilities"].values()) - 1) < 1e-3
    assert p["model_version"] == "kalimo-rule-v1"  # nothing trained yet: the transparent rule
    assert p["days_in_window"] == 1 and p["low_confidence"] is True
    assert p["features"] == {"ee_7d": 5.0, "pa_7d": 2.0, "dp_7d": 5.0}
    assert p["at_risk"] == (p["probabilities"]["high"] >= 0.5)
    assert {e["feature"] for e in p["explanation"]} <= {"ee_7d", "pa_7d", "dp_7d", "days_in_window"}
    # The composite here is 0.4·5 + 0.3·5 + 0.3·4 = 4.7: clearly high.
    assert p["risk_level"] == "high"

    listed = await client.get(ASSESS, headers=member.headers)
    assert listed.json() == {"items": [body], "total": 1}


async def test_one_checkin_per_day(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    assert (await client.post(ASSESS, headers=member.headers, json=items(1, 5, 5))).status_code == 201
    again = await client.post(ASSESS, headers=member.headers, json=items(2, 4, 4))
    assert again.status_code == 409
    assert again.json()["error"] == "already_submitted"


async def test_the_day_is_the_users_own(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    """At 20:00 UTC it is already tomorrow in Tokyo and still today in Los Angeles."""
    clock.now = datetime(2026, 3, 10, 20, 0, tzinfo=clock.now.tzinfo)
    tokyo = await account(app, client, timezone="Asia/Tokyo")
    la = await account(app, client, timezone="America/Los_Angeles")
    t = await client.post(ASSESS, headers=tokyo.headers, json=items(3, 3, 3))
    la_response = await client.post(ASSESS, headers=la.headers, json=items(3, 3, 3))
    assert t.json()["date"] == "2026-03-11"
    assert la_response.json()["date"] == "2026-03-10"


async def test_twenty_simultaneous_submissions_give_one_201(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    responses = await asyncio.gather(
        *(client.post(ASSESS, headers=member.headers, json=items(i % 7, 3, 3)) for i in range(20))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 19, codes
    assert all(r.json()["error"] == "already_submitted" for r in responses if r.status_code == 409)
    assert (await client.get(ASSESS, headers=member.headers)).json()["total"] == 1


async def test_idempotency_key_replays_the_first_response(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    headers = {**member.headers, "Idempotency-Key": "tap-123"}
    first = await client.post(ASSESS, headers=headers, json=items(2, 4, 5))
    replay = await client.post(ASSESS, headers=headers, json=items(2, 4, 5))
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    different = await client.post(ASSESS, headers=headers, json=items(6, 0, 0))
    assert different.status_code == 409
    assert different.json()["error"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (items(7, 3, 3), "exhaustion"),
        (items(-1, 3, 3), "exhaustion"),
        (items(3, 3.5, 3), "capability"),
        (items(3, "3", 3), "capability"),
        (items(3, 3, True), "meaningfulness"),
        ({"exhaustion": 3, "capability": 3}, "meaningfulness"),
        (items(3, 3, 3, note="x" * 501), "note"),
        (items(3, 3, 3, date="yesterday"), "date"),
        (items(3, 3, 3, mood=4), "mood"),
    ],
)
async def test_bad_items_are_named(client: httpx.AsyncClient, app: FastAPI, body: dict, field: str) -> None:
    member = await account(app, client)
    response = await client.post(ASSESS, headers=member.headers, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["fields"][0]["loc"][1] == field


async def test_future_and_too_old_dates(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    member = await account(app, client)
    today = clock.now.date()
    future = await client.post(ASSESS, headers=member.headers, json=items(3, 3, 3, date=str(today + timedelta(days=1))))
    assert future.status_code == 400 and future.json()["error"] == "date_in_future"
    old = await client.post(ASSESS, headers=member.headers, json=items(3, 3, 3, date=str(today - timedelta(days=15))))
    assert old.status_code == 400 and old.json()["error"] == "date_too_old"
    backfill = await client.post(
        ASSESS, headers=member.headers, json=items(3, 3, 3, date=str(today - timedelta(days=2)))
    )
    assert backfill.status_code == 201 and backfill.json()["date"] == str(today - timedelta(days=2))


async def _week(
    client: httpx.AsyncClient, member: Account, clock: Clock, answers: list[tuple[int, int, int]]
) -> list[dict]:
    bodies = []
    for e, c, m in answers:
        response = await client.post(ASSESS, headers=member.headers, json=items(e, c, m))
        assert response.status_code == 201, response.text
        bodies.append(response.json())
        clock.advance(days=1)
        await relogin(client, member)
    return bodies


async def test_estimates_follow_the_window_and_the_dashboard_agrees(
    client: httpx.AsyncClient, app: FastAPI, clock: Clock
) -> None:
    clock.now = datetime(2026, 5, 4, 9, 0, tzinfo=clock.now.tzinfo)  # a Monday
    member = await account(app, client)
    calm = [(1, 5, 5)] * 7
    strained = [(5, 2, 1)] * 5
    bodies = await _week(client, member, clock, calm + strained)

    assert [b["prediction"]["days_in_window"] for b in bodies[:8]] == [1, 2, 3, 4, 5, 6, 7, 7]
    assert bodies[6]["prediction"]["risk_level"] == "low"
    assert bodies[-1]["prediction"]["risk_level"] == "high"
    p_high = [b["prediction"]["probabilities"]["high"] for b in bodies[6:]]
    assert p_high == sorted(p_high), "each strained day raises P(high)"

    clock.advance(days=-1)  # back to the day of the last check-in
    await relogin(client, member)
    dash = (await client.get("/api/v1/dashboard", headers=member.headers)).json()
    assert dash["today"] == bodies[-1]["date"]
    assert dash["today_submitted"] is True
    assert dash["streak_days"] == 12
    last_week = (calm + strained)[-7:]
    assert dash["rolling_7d"]["days"] == 7
    assert dash["rolling_7d"]["exhaustion"] == round(statistics.fmean(e for e, _, _ in last_week), 3)
    assert dash["rolling_7d"]["dp"] == round(statistics.fmean(6 - m for _, _, m in last_week), 3)
    assert [h["date"] for h in dash["history"]] == [b["date"] for b in bodies]
    assert [h["p_high"] for h in dash["history"]] == [b["prediction"]["probabilities"]["high"] for b in bodies]
    latest = dash["latest_prediction"]
    assert latest["date"] == bodies[-1]["date"]
    assert latest["probabilities"] == bodies[-1]["prediction"]["probabilities"]
    current = composite(
        statistics.fmean(e for e, _, _ in last_week),
        statistics.fmean(c for _, c, _ in last_week),
        statistics.fmean(6 - m for _, _, m in last_week),
    )
    assert dash["trend"]["direction"] == "worsening"
    assert dash["trend"]["current"] == round(current, 3)

    predictions = (await client.get("/api/v1/predictions", headers=member.headers, params={"limit": 3})).json()
    assert predictions["total"] == 12
    assert [p["date"] for p in predictions["items"]] == [b["date"] for b in reversed(bodies[-3:])]


async def test_dashboard_of_a_new_user(client: httpx.AsyncClient, app: FastAPI) -> None:
    member = await account(app, client)
    dash = (await client.get("/api/v1/dashboard", headers=member.headers)).json()
    assert dash["today_submitted"] is False
    assert dash["streak_days"] == 0
    assert dash["rolling_7d"] == {
        "exhaustion": None,
        "capability": None,
        "meaningfulness": None,
        "ee": None,
        "pa": None,
        "dp": None,
        "days": 0,
    }
    assert dash["latest_prediction"] is None and dash["history"] == []
    assert dash["trend"]["direction"] == "insufficient_data"


async def test_streak_allows_today_to_be_open(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    member = await account(app, client)
    await _week(client, member, clock, [(2, 4, 4)] * 3)  # the clock now stands on the day after
    dash = (await client.get("/api/v1/dashboard", headers=member.headers)).json()
    assert dash["today_submitted"] is False and dash["streak_days"] == 3
    clock.advance(days=1)
    await relogin(client, member)
    dash = (await client.get("/api/v1/dashboard", headers=member.headers)).json()
    assert dash["streak_days"] == 0


async def test_history_filters_and_pages(client: httpx.AsyncClient, app: FastAPI, clock: Clock) -> None:
    clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=clock.now.tzinfo)
    member = await account(app, client)
    await _week(client, member, clock, [(3, 3, 3)] * 6)
    window = await client.get(ASSESS, headers=member.headers, params={"from": "2026-06-02", "to": "2026-06-04"})
    assert [i["date"] for i in window.json()["items"]] == ["2026-06-04", "2026-06-03", "2026-06-02"]
    page = await client.get(ASSESS, headers=member.headers, params={"limit": 2, "offset": 2})
    assert page.json()["total"] == 6 and [i["date"] for i in page.json()["items"]] == ["2026-06-04", "2026-06-03"]
    wrong = await client.get(ASSESS, headers=member.headers, params={"from": "2026-06-05", "to": "2026-06-01"})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_date_range"


async def test_nobody_sees_anyone_elses_checkins(client: httpx.AsyncClient, app: FastAPI) -> None:
    from emberwatch.users.models import Role

    member = await account(app, client)
    await client.post(ASSESS, headers=member.headers, json=items(6, 0, 0))
    for role in (Role.member, Role.manager, Role.admin):
        other = await account(app, client, role)
        for path in (ASSESS, "/api/v1/predictions"):
            assert (await client.get(path, headers=other.headers)).json() == {"items": [], "total": 0}
        assert (await client.get("/api/v1/dashboard", headers=other.headers)).json()["history"] == []
