"""The workload analysis of SPEC §2.5: metrics, factors, burnout score, risk levels, team health and insights.

Every window below is the 30 days ending Wednesday 2026-04-01 00:00 UTC, i.e. [Mon 2026-03-02, Wed 2026-04-01), which
holds the US (Sunday 03-08) and EU (Sunday 03-29) spring DST changes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emberwatch.core.config import WorkloadPolicy
from emberwatch.workload.scoring import INCIDENT_SCHEMA, PEOPLE_SCHEMA, SEVERITIES, Window, analyze

END = datetime(2026, 4, 1, tzinfo=UTC)  # a Wednesday
DAYS = 30
START = END - timedelta(days=DAYS)  # Monday 2026-03-02
POLICY = WorkloadPolicy()
FACTORS = ("workload", "after_hours", "weekend_work", "incident_load", "response_time")
SHARES = ("after_hours_percentage", "weekend_percentage", "night_percentage")
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Asia/Kathmandu",
    "Pacific/Chatham",
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- building frames ------------------------------------------------------------------------------------------------


def incident(
    id: str,
    at: datetime,
    email: str = "ana@example.com",
    *,
    severity: str | None = "medium",
    ack_minutes: float | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "created_at": at,
        "acknowledged_at": at + timedelta(minutes=ack_minutes) if ack_minutes is not None else None,
        "resolved_at": None,
        "severity": severity,
        "responder_email": email,
        "responder_name": name,
        "title": None,
    }


def incidents(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=INCIDENT_SCHEMA)


def people(*rows: tuple[str, str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame([{"email": e, "name": n, "timezone": z} for e, n, z in rows], schema=PEOPLE_SCHEMA)


def run(
    frame: pl.DataFrame,
    team: pl.DataFrame | None = None,
    *,
    days: int = DAYS,
    include_weekends: bool = True,
    policy: WorkloadPolicy = POLICY,
) -> dict[str, Any]:
    return analyze(frame, team, window=Window(END, days, include_weekends), policy=policy, now=END)


def member(result: dict[str, Any], email: str) -> dict[str, Any]:
    [found] = [m for m in result["team_analysis"]["members"] if m["user_email"] == email]
    return found


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026, UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def slots(hours: tuple[int, ...], *, weekend: bool = False) -> Iterator[datetime]:
    """Distinct UTC times in the window: each weekday (or weekend day) at each hour, one minute further each round."""
    for minute in range(60):
        for d in range(DAYS):
            day = START + timedelta(days=d)
            if (day.weekday() >= 5) == weekend:
                for hour in hours:
                    yield day.replace(hour=hour, minute=minute)


def many(prefix: str, n: int, hours: tuple[int, ...], email: str, **kwargs: Any) -> list[dict[str, Any]]:
    times = slots(hours, weekend=kwargs.pop("weekend", False))
    return [incident(f"{prefix}-{i}", next(times), email, **kwargs) for i in range(n)]


BUSINESS = (10, 14)
AFTER = (6, 19, 20, 21)


def band(score: float) -> str:
    if score >= POLICY.risk_critical_from:
        return "critical"
    if score >= POLICY.risk_high_from:
        return "high"
    if score >= POLICY.risk_medium_from:
        return "medium"
    return "low"


# --- properties -----------------------------------------------------------------------------------------------------

responses = st.lists(
    st.tuples(
        st.integers(0, 40),  # incident id: repeats make one incident with several responders (or duplicates)
        st.integers(0, 4),  # responder
        st.integers(-2 * 1440, (DAYS + 2) * 1440),  # minutes after the window start: some rows fall outside
        st.sampled_from((*SEVERITIES, "HIGH", None, "sev9")),
        st.one_of(st.none(), st.integers(-30, 24 * 60)),  # acknowledgement delay in minutes
        st.booleans(),  # upper-case the email
    ),
    max_size=60,
)
team_zones = st.lists(st.one_of(st.none(), st.sampled_from((*ZONES, "Mars/Olympus_Mons"))), min_size=5, max_size=5)


def email_of(i: int, upper: bool = False) -> str:
    email = f"person{i}@example.com"
    return f" {email.upper()} " if upper else email


@PROPERTY
@given(rows=responses, zones=team_zones, days=st.sampled_from((1, 7, 30)), include_weekends=st.booleans())
def test_property_shares_factors_and_scores_stay_in_range(
    rows: list[tuple[int, int, int, str | None, int | None, bool]],
    zones: list[str | None],
    days: int,
    include_weekends: bool,
) -> None:
    start = END - timedelta(days=days)
    frame = incidents(
        [
            incident(f"i{i}", start + timedelta(minutes=m), email_of(who, upper), severity=sev, ack_minutes=ack)
            for i, who, m, sev, ack, upper in rows
        ]
    )
    team = people(*((email_of(i), f"Person {i}", zone) for i, zone in enumerate(zones) if i % 2 == 0))
    result = run(frame, team, days=days, include_weekends=include_weekends)

    for m in result["team_analysis"]["members"]:
        metrics = m["metrics"]
        for share in SHARES:
            assert 0.0 <= metrics[share] <= 1.0
        assert metrics["after_hours_count"] + metrics["weekend_count"] <= m["incident_count"]
        assert metrics["after_hours_percentage"] + metrics["weekend_percentage"] <= 1.0
        for factor in FACTORS:
            assert 0.0 <= m["factors"][factor] <= 10.0
        assert 0.0 <= m["burnout_score"] <= 10.0
        assert m["risk_level"] in ("low", "medium", "high", "critical")
        assert metrics["avg_response_time_minutes"] >= 0.0
        assert sum(metrics["severity_distribution"].values()) == m["incident_count"]
        if not include_weekends:
            assert metrics["weekend_count"] == 0
    health = result["team_health"]
    assert 0.0 <= health["overall_score"] <= 10.0
    assert sum(health["risk_distribution"].values()) == result["metadata"]["total_users"]
    emails = [m["user_email"] for m in result["team_analysis"]["members"]]
    assert len(emails) == len(set(emails))
    assert sum(m["incident_count"] for m in result["team_analysis"]["members"]) == result["metadata"]["total_responses"]


WEEKDAYS = [START + timedelta(days=d) for d in range(1, DAYS - 1) if (START + timedelta(days=d)).weekday() < 5]


@PROPERTY
@given(
    zone=st.sampled_from(ZONES),
    base=st.lists(st.tuples(st.integers(0, DAYS * 1440 - 1), st.sampled_from(SEVERITIES)), max_size=40),
    day=st.sampled_from(WEEKDAYS),
    hour=st.sampled_from((*range(9), *range(18, 24))),
    minute=st.integers(0, 59),
)
def test_property_an_after_hours_incident_never_lowers_the_after_hours_factor(
    zone: str, base: list[tuple[int, str]], day: datetime, hour: int, minute: int
) -> None:
    team = people(("ana@example.com", "Ana", zone))
    rows = [incident(f"b{i}", START + timedelta(minutes=m), severity=s) for i, (m, s) in enumerate(base)]
    at = local(zone, day.year, day.month, day.day, hour, minute)
    assert at.astimezone(ZoneInfo(zone)).weekday() < 5
    before = member(run(incidents(rows), team), "ana@example.com")
    after = member(run(incidents([*rows, incident("new", at)]), team), "ana@example.com")
    assert after["metrics"]["after_hours_count"] == before["metrics"]["after_hours_count"] + 1
    assert after["factors"]["after_hours"] >= before["factors"]["after_hours"]
    assert after["factors"]["after_hours"] > 0


# --- hand-worked example --------------------------------------------------------------------------------------------


def six_incidents() -> pl.DataFrame:
    return incidents(
        [
            incident("1", utc(3, 10), severity="critical", ack_minutes=10, name="Ana Lima"),  # Tue 10:00 business
            incident("2", utc(4, 14), severity="high", ack_minutes=20),  # Wed 14:00 business
            incident("3", utc(5, 16), severity="medium", ack_minutes=60),  # Thu 16:00 business
            incident("4", utc(10, 23), severity="low", ack_minutes=-5),  # Tue 23:00 after hours + night; ack ignored
            incident("5", utc(12, 7), severity=None),  # Thu 07:00 after hours, no ack, unknown severity
            incident("6", utc(14, 11), severity="high"),  # Sat 11:00 weekend
        ]
    )


def test_metrics_and_factors_match_hand_worked_numbers() -> None:
    result = run(six_incidents())
    ana = member(result, "ana@example.com")
    m, f = ana["metrics"], ana["factors"]

    # incidents_per_week = 6 / 30 × 7 = 1.4;  v = min(1, 1.4 / 2) = 0.7
    assert ana["incident_count"] == 6
    assert m["incidents_per_week"] == pytest.approx(1.4)
    # after hours: incidents 4 and 5 → 2/6;  weekend: incident 6 → 1/6;  night (22:00–06:00): incident 4 → 1/6
    assert (m["after_hours_count"], m["weekend_count"], m["night_count"]) == (2, 1, 1)
    assert m["after_hours_percentage"] == pytest.approx(2 / 6, abs=1e-4)
    assert m["weekend_percentage"] == pytest.approx(1 / 6, abs=1e-4)
    assert m["night_percentage"] == pytest.approx(1 / 6, abs=1e-4)
    # response: mean of 10, 20, 60 = 30 (the −5 is ignored, two have none); median 20
    assert m["avg_response_time_minutes"] == pytest.approx(30.0)
    assert m["median_response_time_minutes"] == pytest.approx(20.0)
    # Σ weights = 4 + 3 + 2 + 1 + 1.5 + 3 = 14.5;  per week = 14.5 / 30 × 7 = 3.3833
    assert m["severity_distribution"] == {"critical": 1, "high": 2, "medium": 1, "low": 1, "unknown": 1}
    assert m["severity_weighted_per_week"] == pytest.approx(14.5 / 30 * 7, abs=1e-3)

    workload = 10 * min(1, 1.4 / 8)  # 1.75
    after_hours = 10 * min(1, (2 / 6) / 0.5) * 0.7  # 4.6667
    weekend = 10 * min(1, (1 / 6) / 0.4) * 0.7  # 2.9167
    load = 10 * min(1, (14.5 / 30 * 7) / 20)  # 1.6917
    response = 10 * min(1, 30 / 60)  # 5.0
    assert (workload, round(after_hours, 2), round(weekend, 2), round(load, 2), response) == (
        1.75,
        4.67,
        2.92,
        1.69,
        5.0,
    )
    assert f == {
        "workload": 1.75,
        "after_hours": 4.67,
        "weekend_work": 2.92,
        "incident_load": 1.69,
        "response_time": 5.0,
    }
    # 0.25·1.75 + 0.25·4.6667 + 0.15·2.9167 + 0.25·1.6917 + 0.10·5.0 = 2.9646 → low
    score = 0.25 * workload + 0.25 * after_hours + 0.15 * weekend + 0.25 * load + 0.10 * response
    assert score == pytest.approx(2.9646, abs=1e-4)
    assert ana["burnout_score"] == 2.96
    assert ana["risk_level"] == "low"
    assert ana["user_name"] == "Ana Lima"
    # team: one active member → overall = 10 − 2.96 = 7.04 → good
    assert result["team_health"]["overall_score"] == pytest.approx(7.04)
    assert result["team_health"]["health_status"] == "good"
    assert result["metadata"]["total_incidents"] == 6


def test_output_has_the_seed_shape() -> None:
    team = people(("ana@example.com", "Ana Lima", "UTC"), ("idle@example.com", "Ida Idle", "Europe/Berlin"))
    result = run(six_incidents(), team)
    json.dumps(result)  # serialisable as is
    assert set(result) >= {"analysis_timestamp", "metadata", "team_health", "team_analysis", "insights"}
    assert "recommendations" in result
    assert datetime.fromisoformat(result["analysis_timestamp"]) == END
    assert set(result["metadata"]) >= {"days_analyzed", "total_users", "total_incidents", "include_weekends"}
    assert result["metadata"]["days_analyzed"] == DAYS
    assert result["metadata"]["total_users"] == 2
    assert result["metadata"]["include_weekends"] is True
    health = result["team_health"]
    assert set(health) >= {
        "overall_score",
        "risk_distribution",
        "average_burnout_score",
        "health_status",
        "members_at_risk",
    }
    assert set(health["risk_distribution"]) == {"low", "medium", "high", "critical"}
    for m in result["team_analysis"]["members"]:
        assert set(m) >= {
            "user_name",
            "user_email",
            "burnout_score",
            "risk_level",
            "incident_count",
            "factors",
            "metrics",
        }
        assert set(m["factors"]) == set(FACTORS)
        assert set(m["metrics"]) >= {
            "incidents_per_week",
            "after_hours_percentage",
            "weekend_percentage",
            "avg_response_time_minutes",
            "severity_distribution",
        }
        assert set(m["metrics"]["severity_distribution"]) >= {"critical", "high", "medium", "low"}
    assert result["insights"]
    for insight in result["insights"]:
        assert set(insight) >= {"type", "category", "message", "priority"}
        assert all(isinstance(v, str) and v for v in insight.values())
    assert isinstance(result["recommendations"], list)
    assert all(isinstance(r, str) and r for r in result["recommendations"])
    assert member(result, "idle@example.com")["incident_count"] == 0


def test_the_same_input_gives_the_same_output() -> None:
    team = people(("ana@example.com", "Ana Lima", "Europe/Berlin"), ("bo@example.com", "Bo", "Asia/Kolkata"))
    rows = [
        *six_incidents().to_dicts(),
        *(r | {"responder_email": "bo@example.com"} for r in six_incidents().to_dicts()[:4]),
        *many("x", 25, AFTER, "cy@example.com", severity="high", ack_minutes=7),
    ]
    first = run(incidents(rows), team)
    assert run(incidents(rows), team) == first
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert run(incidents(shuffled), team) == first
    # Without a fixed `now`, only the timestamp may differ.
    free = analyze(incidents(rows), team, window=Window(END, DAYS, True), policy=POLICY)
    assert {k: v for k, v in free.items() if k != "analysis_timestamp"} == {
        k: v for k, v in first.items() if k != "analysis_timestamp"
    }


# --- risk levels and team health ------------------------------------------------------------------------------------


def low_member(email: str) -> list[dict[str, Any]]:
    # 1 incident at 10:00: ipw 0.2333 → workload 0.29, load 0.23 (medium = 2 → 0.467/wk) → ≈ 0.13
    return many("l", 1, BUSINESS, email)


def medium_member(email: str) -> list[dict[str, Any]]:
    # 34 critical in business hours, no ack: ipw = 34/30·7 = 7.933 → workload 9.92; load saturates at 10
    # score = 0.25·9.9167 + 0.25·10 = 4.98 → medium
    return many("m", 34, BUSINESS, email, severity="critical")


def high_member(email: str) -> list[dict[str, Any]]:
    # as medium, acknowledged after 120 minutes → response 10 → 4.98 + 1.0 = 5.98 → high
    return many("h", 34, BUSINESS, email, severity="critical", ack_minutes=120)


def critical_member(email: str) -> list[dict[str, Any]]:
    # 60 critical after hours on weekdays, 120-minute acks: workload 10, after hours 10 (v = 1), load 10, response 10
    # score = 0.25·10 + 0.25·10 + 0.15·0 + 0.25·10 + 0.10·10 = 8.5 → critical
    return many("c", 60, AFTER, email, severity="critical", ack_minutes=120)


def test_every_risk_level_is_reachable() -> None:
    rows = [
        *low_member("low@example.com"),
        *medium_member("medium@example.com"),
        *high_member("high@example.com"),
        *critical_member("critical@example.com"),
    ]
    result = run(incidents(rows))
    scores = {}
    for level in ("low", "medium", "high", "critical"):
        m = member(result, f"{level}@example.com")
        assert m["risk_level"] == level, m
        scores[level] = m["burnout_score"]
    assert scores["low"] == pytest.approx(0.25 * 10 * (7 / 30) / 8 + 0.25 * 10 * (2 * 7 / 30) / 20, abs=0.01)
    assert scores["medium"] == pytest.approx(0.25 * 10 * (34 * 7 / 30) / 8 + 0.25 * 10, abs=0.01)
    assert scores["high"] == pytest.approx(scores["medium"] + 1.0, abs=0.01)
    assert scores["critical"] == pytest.approx(8.5)
    assert result["team_health"]["risk_distribution"] == {"low": 1, "medium": 1, "high": 1, "critical": 1}
    assert result["team_health"]["members_at_risk"] == 2
    assert result["team_analysis"]["members"][0]["user_email"] == "critical@example.com"  # worst first


@pytest.mark.parametrize(
    ("rows", "status"),
    [
        (low_member("a@example.com"), "excellent"),  # overall ≈ 9.87
        # 29 low-severity in business hours: ipw 6.767 → 0.25·8.458 + 0.25·3.383 = 2.96 → overall 7.04
        (many("g", 29, BUSINESS, "a@example.com", severity="low"), "good"),
        (medium_member("a@example.com"), "fair"),  # overall 10 − 4.98 = 5.02
        (critical_member("a@example.com"), "poor"),  # overall 10 − 8.5 = 1.5
    ],
    ids=["excellent", "good", "fair", "poor"],
)
def test_every_health_status_is_reachable(rows: list[dict[str, Any]], status: str) -> None:
    health = run(incidents(rows))["team_health"]
    assert health["health_status"] == status
    low, high = {"excellent": (8, 10), "good": (6, 8), "fair": (4, 6), "poor": (0, 4)}[status]
    assert low <= health["overall_score"] < high


def test_overall_score_averages_only_members_with_incidents() -> None:
    team = people(*((f"idle{i}@example.com", None, "UTC") for i in range(5)))
    result = run(incidents(critical_member("c@example.com")), team)
    assert result["team_health"]["overall_score"] == pytest.approx(1.5)
    assert result["team_health"]["average_burnout_score"] == pytest.approx(8.5)
    assert result["team_health"]["risk_distribution"]["low"] == 5


# --- empty windows and the window's edges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [
            incident("before", START - timedelta(seconds=1)),
            incident("at-end", END),
            incident("after", END + timedelta(days=3)),
        ],
    ],
    ids=["no-incidents", "all-outside-the-window"],
)
def test_an_empty_window_gives_a_valid_analysis(rows: list[dict[str, Any]]) -> None:
    team = people(("ana@example.com", "Ana", "Europe/Berlin"), ("bo@example.com", None, "Asia/Kolkata"))
    result = run(incidents(rows), team)
    json.dumps(result)
    members = result["team_analysis"]["members"]
    assert {m["user_email"] for m in members} == {"ana@example.com", "bo@example.com"}
    for m in members:
        assert m["burnout_score"] == 0
        assert m["incident_count"] == 0
        assert m["risk_level"] == "low"
        assert set(m["factors"].values()) == {0}
    assert member(result, "bo@example.com")["user_name"] == "bo@example.com"
    assert result["metadata"]["total_incidents"] == 0
    assert result["metadata"]["total_users"] == 2
    health = result["team_health"]
    assert health["overall_score"] == 10
    assert health["health_status"] == "excellent"
    assert health["members_at_risk"] == 0
    assert any("no incidents" in i["message"].lower() for i in result["insights"])


def test_an_empty_window_without_people() -> None:
    result = run(incidents([]), None)
    assert result["team_analysis"]["members"] == []
    assert result["team_health"]["overall_score"] == 10
    assert result["team_health"]["health_status"] == "excellent"
    assert any("no incidents" in i["message"].lower() for i in result["insights"])


def test_the_window_includes_its_start_and_excludes_its_end() -> None:
    rows = [incident("start", START), incident("end", END), incident("last", END - timedelta(microseconds=1))]
    result = run(incidents(rows))
    assert member(result, "ana@example.com")["incident_count"] == 2
    assert result["metadata"]["total_incidents"] == 2


# --- counting -------------------------------------------------------------------------------------------------------


def test_each_incident_counts_once_per_responder() -> None:
    at = utc(10, 11)
    rows = [
        incident("x", at, "ana@example.com"),
        incident("x", at, "ana@example.com"),  # exact duplicate
        incident("x", at, " Ana@Example.COM "),  # same person, other case and spaces
        incident("x", at, "bo@example.com"),  # second responder
        incident("y", utc(11, 11), "BO@example.com "),
    ]
    team = people(("ANA@example.com", "Ana", "UTC"))
    result = run(incidents(rows), team)
    assert member(result, "ana@example.com")["incident_count"] == 1
    assert member(result, "bo@example.com")["incident_count"] == 2
    assert len(result["team_analysis"]["members"]) == 2
    assert result["metadata"]["total_incidents"] == 2
    assert result["metadata"]["total_responses"] == 3


def test_rows_without_a_responder_are_ignored() -> None:
    rows = [incident("x", utc(10, 11), ""), incident("y", utc(10, 12), None), incident("z", utc(10, 13))]  # type: ignore[arg-type]
    result = run(incidents(rows))
    assert [m["user_email"] for m in result["team_analysis"]["members"]] == ["ana@example.com"]
    assert result["metadata"]["total_incidents"] == 1


# --- time zones -----------------------------------------------------------------------------------------------------


def test_after_hours_is_judged_in_the_members_own_time_zone() -> None:
    at = utc(3, 20)  # Tuesday 20:00 UTC = 21:00 in Berlin (CET), 12:00 in Los Angeles (PST)
    rows = [incident("x", at, "berlin@example.com"), incident("x", at, "la@example.com")]
    team = people(("berlin@example.com", "B", "Europe/Berlin"), ("la@example.com", "L", "America/Los_Angeles"))
    result = run(incidents(rows), team)
    assert member(result, "berlin@example.com")["metrics"]["after_hours_count"] == 1
    assert member(result, "la@example.com")["metrics"]["after_hours_count"] == 0
    assert member(result, "berlin@example.com")["timezone"] == "Europe/Berlin"


def test_berlin_around_the_spring_dst_change() -> None:
    rows = [
        incident("fri", utc(27, 7, 30)),  # Fri 08:30 CET → after hours
        incident("sun", utc(29, 7, 30)),  # Sun 2026-03-29 (02:00 → 03:00): 09:30 CEST → weekend, not after hours
        incident("mon", utc(30, 7, 30)),  # Mon 09:30 CEST → business hours (a fixed +01:00 would say 08:30)
        incident("night", utc(10, 21, 30)),  # Tue 22:30 CET → after hours and night
    ]
    m = member(run(incidents(rows), people(("ana@example.com", "Ana", "Europe/Berlin"))), "ana@example.com")
    assert m["metrics"]["after_hours_count"] == 2
    assert m["metrics"]["weekend_count"] == 1
    assert m["metrics"]["night_count"] == 1


def test_new_york_on_a_weekday_after_the_dst_change() -> None:
    rows = [
        incident("fri", utc(6, 13, 30)),  # Fri 2026-03-06 08:30 EST (UTC−5) → after hours
        incident("mon", utc(9, 13, 30)),  # Mon 2026-03-09 09:30 EDT (UTC−4, since Sun 03-08) → business hours
    ]
    m = member(run(incidents(rows), people(("ana@example.com", "Ana", "America/New_York"))), "ana@example.com")
    assert m["metrics"]["after_hours_count"] == 1
    assert m["metrics"]["weekend_count"] == 0
    assert m["metrics"]["after_hours_percentage"] == 0.5


def test_half_hour_offset_kolkata() -> None:
    rows = [
        incident("a", utc(10, 3, 25)),  # 08:55 IST (UTC+05:30) → after hours
        incident("b", utc(10, 3, 35)),  # 09:05 → business
        incident("c", utc(10, 12, 25)),  # 17:55 → business
        incident("d", utc(10, 12, 35)),  # 18:05 → after hours
        incident("e", utc(13, 18, 35)),  # Sat 00:05 IST, but Fri 18:35 UTC → weekend in Kolkata
    ]
    m = member(run(incidents(rows), people(("ana@example.com", "Ana", "Asia/Kolkata"))), "ana@example.com")
    assert m["metrics"]["after_hours_count"] == 2
    assert m["metrics"]["weekend_count"] == 1
    assert m["metrics"]["night_count"] == 1


def test_sydney_is_a_day_ahead() -> None:
    # Sun 2026-03-08 22:30 UTC = Mon 09:30 AEDT (UTC+11): business hours in Sydney, weekend in UTC.
    rows = [incident("x", utc(8, 22, 30), "syd@example.com"), incident("x", utc(8, 22, 30), "utc@example.com")]
    team = people(("syd@example.com", "S", "Australia/Sydney"), ("utc@example.com", "U", "UTC"))
    result = run(incidents(rows), team)
    assert member(result, "syd@example.com")["metrics"]["weekend_count"] == 0
    assert member(result, "syd@example.com")["metrics"]["after_hours_count"] == 0
    assert member(result, "utc@example.com")["metrics"]["weekend_count"] == 1


def test_unknown_time_zones_fall_back_to_utc() -> None:
    team = people(
        ("ana@example.com", "Ana", "Mars/Olympus_Mons"),
        ("bo@example.com", "Bo", "Not/A_Zone"),
        ("cy@example.com", "Cy", None),
    )
    rows = [
        incident("x", utc(3, 20), "ana@example.com"),  # 20:00 UTC → after hours
        incident("y", utc(3, 12), "cy@example.com"),  # no zone: UTC, 12:00 → business
        incident("z", utc(3, 20), "dee@example.com"),  # not in people: UTC
    ]
    result = run(incidents(rows), team)
    assert result["metadata"]["unknown_timezones"] == ["Mars/Olympus_Mons", "Not/A_Zone"]
    ana = member(result, "ana@example.com")
    assert ana["timezone"] == "UTC"
    assert ana["metrics"]["after_hours_count"] == 1
    assert member(result, "bo@example.com")["timezone"] == "UTC"  # idle, still listed
    assert member(result, "cy@example.com")["metrics"]["after_hours_count"] == 0
    assert member(result, "dee@example.com")["metrics"]["after_hours_count"] == 1


# --- weekends, response times ---------------------------------------------------------------------------------------


def test_excluding_weekends_drops_weekend_incidents() -> None:
    rows = [
        incident("mon", utc(9, 11)),
        incident("tue", utc(10, 20)),
        incident("sat", utc(14, 11)),
        incident("sun", utc(15, 3)),
        incident("sat-only", utc(21, 11), "weekender@example.com"),
    ]
    team = people(("weekender@example.com", "W", "UTC"))
    with_weekends = run(incidents(rows), team)
    assert member(with_weekends, "ana@example.com")["incident_count"] == 4
    assert member(with_weekends, "ana@example.com")["metrics"]["weekend_percentage"] == 0.5

    without = run(incidents(rows), team, include_weekends=False)
    ana = member(without, "ana@example.com")
    assert ana["incident_count"] == 2
    assert ana["metrics"]["weekend_percentage"] == 0
    assert ana["metrics"]["weekend_count"] == 0
    assert ana["factors"]["weekend_work"] == 0
    assert ana["metrics"]["after_hours_percentage"] == 0.5
    assert ana["metrics"]["incidents_per_week"] == pytest.approx(2 / 30 * 7, abs=1e-3)
    assert member(without, "weekender@example.com")["incident_count"] == 0
    assert without["metadata"]["total_incidents"] == 2
    assert without["metadata"]["include_weekends"] is False


def test_response_time_averages_acknowledged_incidents_only() -> None:
    rows = [
        incident("a", utc(3, 10), ack_minutes=10),
        incident("b", utc(3, 11), ack_minutes=20),
        incident("c", utc(3, 12)),  # never acknowledged
        incident("d", utc(3, 13), ack_minutes=-5),  # acknowledged before it was created: ignored
        incident("e", utc(3, 14), ack_minutes=0),  # acknowledged at once: counts as 0 minutes
        incident("f", utc(3, 10), "none@example.com"),
        incident("g", utc(3, 11), "negative@example.com", ack_minutes=-1),
    ]
    result = run(incidents(rows))
    ana = member(result, "ana@example.com")
    assert ana["metrics"]["avg_response_time_minutes"] == pytest.approx(10.0)  # (10 + 20 + 0) / 3
    assert ana["metrics"]["median_response_time_minutes"] == pytest.approx(10.0)
    assert ana["factors"]["response_time"] == pytest.approx(10 * 10 / 60, abs=0.01)
    for email in ("none@example.com", "negative@example.com"):
        m = member(result, email)
        assert m["metrics"]["avg_response_time_minutes"] == 0
        assert m["factors"]["response_time"] == 0


def test_severity_is_normalised() -> None:
    rows = [
        incident("a", utc(3, 10), severity="CRITICAL"),
        incident("b", utc(3, 11), severity="High"),
        incident("c", utc(3, 12), severity=None),
        incident("d", utc(3, 13), severity="sev0"),  # not a normal severity: unknown here (mapped by the importers)
    ]
    m = member(run(incidents(rows)), "ana@example.com")
    assert m["metrics"]["severity_distribution"] == {"critical": 1, "high": 1, "medium": 0, "low": 0, "unknown": 2}
    assert m["metrics"]["severity_weighted_per_week"] == pytest.approx((4 + 3 + 1.5 + 1.5) / 30 * 7, abs=1e-3)


def test_policy_constants_are_used() -> None:
    policy = WorkloadPolicy(business_start="08:00", business_end="20:00", business_days=[1, 2, 3, 4, 5, 6])
    rows = [incident("a", utc(3, 8, 30)), incident("b", utc(3, 19)), incident("sat", utc(14, 12))]
    m = member(run(incidents(rows), policy=policy), "ana@example.com")
    assert m["metrics"]["after_hours_count"] == 0
    assert m["metrics"]["weekend_count"] == 0


# --- insights -------------------------------------------------------------------------------------------------------


def test_insights_name_the_person_the_count_and_the_share() -> None:
    rows = [
        *many("n", 4, (20,), "dana@example.com", severity="high"),
        *many("d", 1, (11,), "dana@example.com", severity="high"),
        *many("o", 5, (11,), "eli@example.com", severity="low"),
    ]
    team = people(("dana@example.com", "Dana Night", "UTC"), ("eli@example.com", "Eli Day", "UTC"))
    result = run(incidents(rows), team)
    after_hours = [i for i in result["insights"] if i["category"] == "after_hours"]
    assert len(after_hours) == 1
    [message] = [i["message"] for i in after_hours]
    assert "Dana Night" in message
    assert "80%" in message
    assert "4 of 5" in message
    assert "Eli Day" not in message
    assert any("Dana Night" in r for r in result["recommendations"])


def test_team_at_risk_insight_counts_and_names() -> None:
    rows = [*critical_member("crit@example.com"), *high_member("high@example.com"), *low_member("low@example.com")]
    team = people(("crit@example.com", "Cato", "UTC"), ("high@example.com", "Hana", "UTC"))
    result = run(incidents(rows), team)
    [team_insight] = [i for i in result["insights"] if i["category"] == "team"]
    assert team_insight["priority"] == "high"
    assert "2 team members" in team_insight["message"]
    assert "Cato" in team_insight["message"] and "Hana" in team_insight["message"]
    assert any("2 team members" in r for r in result["recommendations"])


# --- suspected bugs (see the reasons) -------------------------------------------------------------------------------


def test_reported_after_hours_and_weekend_shares_never_add_past_one() -> None:
    rows = [
        *many("a", 1, (20,), "ana@example.com"),
        *many("w", 159, (1, 5, 9, 13, 17, 21), "ana@example.com", weekend=True),
    ]
    m = member(run(incidents(rows)), "ana@example.com")
    assert (m["metrics"]["after_hours_count"], m["metrics"]["weekend_count"]) == (1, 159)
    assert m["metrics"]["after_hours_percentage"] + m["metrics"]["weekend_percentage"] <= 1.0


def test_risk_level_agrees_with_the_reported_burnout_score() -> None:
    # 29 low-severity incidents in business hours → 2.96042; acknowledged after 2.2 minutes → + 0.1·10·2.2/60
    # = 0.03667 → 2.99708, reported as 3.0.
    m = member(
        run(incidents(many("r", 29, BUSINESS, "ana@example.com", severity="low", ack_minutes=2.2))), "ana@example.com"
    )
    assert m["burnout_score"] == 3.0
    assert m["risk_level"] == band(m["burnout_score"])
