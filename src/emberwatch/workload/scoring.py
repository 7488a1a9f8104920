"""The workload analysis of SPEC §2.5, vectorised with polars over the whole window.

Input: incidents in the normal form, one row per (incident, responder) — `id, created_at, acknowledged_at,
resolved_at, severity, responder_email, responder_name` — and optionally the people of the integration
(`email, name, timezone`). Output: the seed's `analysis_data` document. Times are judged in each member's own time
zone (DST-correct); nothing here loops over incidents in Python — only over time zones and members.

Imported by workers and the CLI only: the API never loads polars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

import polars as pl

from emberwatch.core.config import WorkloadPolicy
from emberwatch.workload.localtime import local_parts

SEVERITIES = ("critical", "high", "medium", "low", "unknown")
UNKNOWN = SEVERITIES.index("unknown")
RISK_LEVELS = ("low", "medium", "high", "critical")
INCIDENT_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    "acknowledged_at": pl.Datetime("us", "UTC"),
    "resolved_at": pl.Datetime("us", "UTC"),
    "severity": pl.String(),
    "responder_email": pl.String(),
    "responder_name": pl.String(),
    "title": pl.String(),
}
PEOPLE_SCHEMA: dict[str, pl.DataType] = {"email": pl.String(), "name": pl.String(), "timezone": pl.String()}


@dataclass(frozen=True)
class Window:
    end: datetime
    days: int
    include_weekends: bool

    @property
    def start(self) -> datetime:
        return self.end - timedelta(days=self.days)


def empty_incidents() -> pl.DataFrame:
    return pl.DataFrame(schema=INCIDENT_SCHEMA)


def empty_people() -> pl.DataFrame:
    return pl.DataFrame(schema=PEOPLE_SCHEMA)


def _minutes(t: Any) -> int:
    return int(t.hour) * 60 + int(t.minute)


def _directory(addresses: pl.DataFrame, people: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """Map each distinct responder address (by its hash) to a member index — one per normalised email — with the
    member's valid time zone. Small (people, not incidents), so strings are normalised here only."""
    known = available_timezones()
    normalised = addresses.with_columns(email=pl.col("responder_email").str.strip_chars().str.to_lowercase()).filter(
        pl.col("email").is_not_null() & (pl.col("email") != "")
    )
    listed = people.select(
        email=pl.col("email").str.strip_chars().str.to_lowercase(), person_name=pl.col("name"), zone=pl.col("timezone")
    ).unique(subset="email", keep="first", maintain_order=True)
    emails = (
        pl.concat([listed.select("email"), normalised.select("email").sort("email")])
        .unique(keep="first", maintain_order=True)
        .with_row_index("member")
        .join(listed, on="email", how="left")
    )
    zones = emails.get_column("zone").to_list()
    unknown = sorted({z for z in zones if z and z not in known})
    members = emails.with_columns(
        timezone=pl.Series([z if z in known else "UTC" for z in zones], dtype=pl.String)
    ).drop("zone")
    zone_names = sorted(set(members.get_column("timezone").to_list()))
    members = members.with_columns(
        zone_code=pl.col("timezone")
        .replace_strict(zone_names, list(range(len(zone_names))), return_dtype=pl.UInt16)
        .cast(pl.UInt16)
    )
    by_address = normalised.join(members.select("email", "member", "zone_code"), on="email").select(
        "address", "member", "zone_code"
    )
    return by_address, members, unknown


def _responses(
    incidents: pl.DataFrame, people: pl.DataFrame, window: Window
) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    """One row per incident and responder inside the window, keyed by an integer member index.

    Strings are hashed once (64-bit) and every later step works on integers: each incident counts once per
    responder by (incident hash, member). A collision between two ids of one member is astronomically unlikely
    and would merge only those two. Eager on purpose: polars' optimised plan for these steps measured twice as
    slow here as running them in turn."""
    in_window = incidents.filter((pl.col("created_at") >= window.start) & (pl.col("created_at") < window.end))
    hashed = in_window.with_columns(
        incident=pl.col("id").hash(), address=pl.col("responder_email").fill_null("").hash()
    )
    addresses = hashed.select("address", "responder_email").unique(subset="address", keep="any")
    by_address, members, unknown = _directory(addresses, people)
    joined = hashed.join(by_address, on="address", how="inner")
    # Names from the incidents only for members the people list does not name (usually none, or few).
    unnamed = members.filter(pl.col("person_name").is_null()).get_column("member")
    names = (
        joined.filter(pl.col("member").is_in(unnamed.implode()) & pl.col("responder_name").is_not_null())
        .group_by("member")
        .agg(responder_name=pl.col("responder_name").min())
    )
    members = members.join(names, on="member", how="left").with_columns(
        user_name=pl.coalesce("person_name", "responder_name", "email")
    )
    # Severities are normalised per distinct value (a handful), then joined back as a small integer code.
    severities = (
        joined.select("severity")
        .unique()
        .with_columns(
            severity_code=pl.col("severity")
            .str.strip_chars()
            .str.to_lowercase()
            .replace_strict(list(SEVERITIES), list(range(len(SEVERITIES))), default=UNKNOWN, return_dtype=pl.UInt8)
        )
    )
    # One 64-bit key per (incident, member). Sorting one integer column and dropping repeats of the previous key
    # measured several times faster than a hash-based unique on 17 million rows.
    key = pl.col("incident") + pl.col("member").cast(pl.UInt64) * pl.lit(0x9E3779B97F4A7C15, dtype=pl.UInt64)
    frame = (
        joined.join(severities, on="severity", how="left", nulls_equal=True)
        .select(
            "incident",
            "member",
            "zone_code",
            "created_at",
            "acknowledged_at",
            pl.col("severity_code").fill_null(UNKNOWN),
            key.alias("key"),
        )
        .sort("key")
        .filter(pl.col("key") != pl.col("key").shift(1, fill_value=None).fill_null(~pl.col("key")))
        .drop("key")
    )
    zone_names = sorted(set(members.get_column("timezone").to_list()))
    return local_parts(frame, zone_names, window.start, window.end), members, unknown


def _flags(frame: pl.DataFrame, policy: WorkloadPolicy) -> pl.DataFrame:
    start, end = _minutes(policy.business_start), _minutes(policy.business_end)
    night_start, night_end = _minutes(policy.night_start), _minutes(policy.night_end)
    minute = pl.col("local_minute")
    business_day = pl.col("local_weekday").is_in(policy.business_days)
    in_night = (
        (minute >= night_start) | (minute < night_end)
        if night_start > night_end
        else ((minute >= night_start) & (minute < night_end))
    )
    response = (pl.col("acknowledged_at") - pl.col("created_at")).dt.total_seconds() / 60.0
    default = policy.severity_weights.get("unknown", 1.5)
    weights = pl.Series([policy.severity_weights.get(s, default) for s in SEVERITIES], dtype=pl.Float64)
    return frame.with_columns(
        weekend=~business_day,
        after_hours=business_day & ~((minute >= start) & (minute < end)),
        night=in_night,
        response_minutes=pl.when(response >= 0).then(response).otherwise(None),
        weight=pl.lit(weights).gather(pl.col("severity_code")),
    )


def _clip(e: pl.Expr) -> pl.Expr:
    return pl.min_horizontal(pl.lit(1.0), e)


def _floor4(e: pl.Expr) -> pl.Expr:
    """Shares are reported rounded down, so that after-hours and weekend shares never add up past 1."""
    return (e * 10_000 + 1e-9).floor() / 10_000


def _member_table(frame: pl.DataFrame, members: pl.DataFrame, window: Window, policy: WorkloadPolicy) -> pl.DataFrame:
    """Every member (people of the integration and responders), with metrics, factors, score and risk."""
    per_week = 7.0 / window.days
    grouped = frame.group_by("member").agg(
        incident_count=pl.len(),
        after_hours_count=pl.col("after_hours").sum(),
        weekend_count=pl.col("weekend").sum(),
        night_count=pl.col("night").sum(),
        avg_response=pl.col("response_minutes").mean(),
        median_response=pl.col("response_minutes").median(),
        weight_sum=pl.col("weight").sum(),
        **{f"sev_{s}": (pl.col("severity_code") == k).sum() for k, s in enumerate(SEVERITIES)},
    )
    counts = ["incident_count", "after_hours_count", "weekend_count", "night_count", *(f"sev_{s}" for s in SEVERITIES)]
    n = pl.col("incident_count")
    f = policy.factor_weights
    return (
        members.join(grouped, on="member", how="left")
        .with_columns([pl.col(c).fill_null(0) for c in counts])
        .with_columns(
            ipw=n * per_week,
            ah_share=pl.when(n > 0).then(pl.col("after_hours_count") / n).otherwise(0.0),
            wk_share=pl.when(n > 0).then(pl.col("weekend_count") / n).otherwise(0.0),
            night_share=pl.when(n > 0).then(pl.col("night_count") / n).otherwise(0.0),
            swpw=pl.col("weight_sum").fill_null(0.0) * per_week,
            art=pl.col("avg_response").fill_null(0.0),
            median_response=pl.col("median_response").fill_null(0.0),
        )
        .with_columns(damp=_clip(pl.col("ipw") / policy.damping_incidents_per_week))
        .with_columns(
            f_workload=10 * _clip(pl.col("ipw") / policy.full_incidents_per_week),
            f_after_hours=10 * _clip(pl.col("ah_share") / policy.full_after_hours_share) * pl.col("damp"),
            f_weekend=10 * _clip(pl.col("wk_share") / policy.full_weekend_share) * pl.col("damp"),
            f_load=10 * _clip(pl.col("swpw") / policy.full_severity_weighted_per_week),
            f_response=10 * _clip(pl.col("art") / policy.full_response_minutes),
        )
        .with_columns(
            # The reported (rounded) score decides the risk level, so the two never disagree.
            score=(
                f["workload"] * pl.col("f_workload")
                + f["after_hours"] * pl.col("f_after_hours")
                + f["weekend_work"] * pl.col("f_weekend")
                + f["incident_load"] * pl.col("f_load")
                + f["response_time"] * pl.col("f_response")
            ).round(2)
        )
        .with_columns(
            risk=pl.when(pl.col("score") >= policy.risk_critical_from)
            .then(pl.lit("critical"))
            .when(pl.col("score") >= policy.risk_high_from)
            .then(pl.lit("high"))
            .when(pl.col("score") >= policy.risk_medium_from)
            .then(pl.lit("medium"))
            .otherwise(pl.lit("low")),
            ah_share=_floor4(pl.col("ah_share")),
            wk_share=_floor4(pl.col("wk_share")),
            night_share=_floor4(pl.col("night_share")),
        )
        .sort(["score", "email"], descending=[True, False])
    )


def health_status(overall: float, policy: WorkloadPolicy) -> str:
    if overall >= policy.health_excellent_from:
        return "excellent"
    if overall >= policy.health_good_from:
        return "good"
    if overall >= policy.health_fair_from:
        return "fair"
    return "poor"


def _member(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "user_id": None,
        "user_name": row["user_name"],
        "user_email": row["email"],
        "timezone": row["timezone"],
        "burnout_score": row["score"],
        "risk_level": row["risk"],
        "incident_count": row["incident_count"],
        "factors": {
            "workload": round(row["f_workload"], 2),
            "after_hours": round(row["f_after_hours"], 2),
            "weekend_work": round(row["f_weekend"], 2),
            "incident_load": round(row["f_load"], 2),
            "response_time": round(row["f_response"], 2),
        },
        "metrics": {
            "incidents_per_week": round(row["ipw"], 3),
            "after_hours_percentage": row["ah_share"],
            "weekend_percentage": row["wk_share"],
            "night_percentage": row["night_share"],
            "after_hours_count": row["after_hours_count"],
            "weekend_count": row["weekend_count"],
            "night_count": row["night_count"],
            "avg_response_time_minutes": round(row["art"], 2),
            "median_response_time_minutes": round(row["median_response"], 2),
            "severity_distribution": {s: row[f"sev_{s}"] for s in SEVERITIES},
            "severity_weighted_per_week": round(row["swpw"], 3),
        },
    }


def analyze(
    incidents: pl.DataFrame,
    people: pl.DataFrame | None,
    *,
    window: Window,
    policy: WorkloadPolicy,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The `analysis_data` document for the incidents created in `[end − days, end)`."""
    from emberwatch.workload.insights import insights_and_recommendations

    people = people if people is not None else empty_people()
    responses, directory, unknown_zones = _responses(incidents, people, window)
    flagged = _flags(responses, policy)
    if not window.include_weekends:
        flagged = flagged.filter(~pl.col("weekend"))
    members = [_member(r) for r in _member_table(flagged, directory, window, policy).iter_rows(named=True)]

    active = [m for m in members if m["incident_count"] > 0]
    average = sum(m["burnout_score"] for m in active) / len(active) if active else 0.0
    overall = round(10.0 - average, 2)
    distribution = {level: sum(1 for m in members if m["risk_level"] == level) for level in RISK_LEVELS}
    team_health = {
        "overall_score": overall,
        "risk_distribution": distribution,
        "average_burnout_score": round(average, 2),
        "health_status": health_status(overall, policy),
        "members_at_risk": distribution["high"] + distribution["critical"],
    }
    total_incidents = flagged.get_column("incident").n_unique() if flagged.height else 0
    insights, recommendations = insights_and_recommendations(members, team_health, total_incidents, window, policy)
    return {
        "analysis_timestamp": (now or datetime.now(UTC)).isoformat(),
        "metadata": {
            "days_analyzed": window.days,
            "window_start": window.start.isoformat(),
            "window_end": window.end.isoformat(),
            "total_users": len(members),
            "active_users": len(active),
            "total_incidents": total_incidents,
            "total_responses": flagged.height,
            "include_weekends": window.include_weekends,
            "business_hours": {
                "start": policy.business_start.strftime("%H:%M"),
                "end": policy.business_end.strftime("%H:%M"),
                "days": policy.business_days,
            },
            "unknown_timezones": unknown_zones,
        },
        "team_health": team_health,
        "team_analysis": {"members": members},
        "insights": insights,
        "recommendations": recommendations,
    }
