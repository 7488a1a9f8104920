"""Rule-based insights and recommendations that name the count, the share and the pattern (SPEC §2.5)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emberwatch.core.config import WorkloadPolicy

if TYPE_CHECKING:
    from emberwatch.workload.scoring import Window

# A pattern is worth a sentence when at least this share of a person's incidents follows it (and they have 3+).
AFTER_HOURS_NOTABLE = 0.3
WEEKEND_NOTABLE = 0.25
NIGHT_NOTABLE = 0.2
CONCENTRATION_NOTABLE = 0.3
MIN_INCIDENTS = 3
NAMED = 3  # people named per insight; the rest are counted


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _names(members: list[dict[str, Any]]) -> str:
    shown = ", ".join(m["user_name"] for m in members[:NAMED])
    return shown + (f" and {len(members) - NAMED} more" if len(members) > NAMED else "")


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def insights_and_recommendations(
    members: list[dict[str, Any]],
    team_health: dict[str, Any],
    total_incidents: int,
    window: Window,
    policy: WorkloadPolicy,
) -> tuple[list[dict[str, str]], list[str]]:
    insights: list[dict[str, str]] = []
    recommendations: list[str] = []
    active = [m for m in members if m["incident_count"] >= MIN_INCIDENTS]
    hours = f"{policy.business_start:%H:%M}–{policy.business_end:%H:%M}"

    at_risk = [m for m in members if m["risk_level"] in ("high", "critical")]
    if at_risk:
        critical = sum(1 for m in at_risk if m["risk_level"] == "critical")
        insights.append(
            {
                "type": "warning",
                "category": "team",
                "message": f"{_plural(len(at_risk), 'team member')} at high or critical burnout risk "
                f"({critical} critical): {_names(at_risk)}",
                "priority": "high",
            }
        )
        recommendations.append(
            f"Schedule 1-on-1s with the {_plural(len(at_risk), 'team member')} at high/critical risk "
            f"({_names(at_risk)}) and move part of their on-call load this week"
        )

    after = sorted(
        (m for m in active if m["metrics"]["after_hours_percentage"] >= AFTER_HOURS_NOTABLE),
        key=lambda m: -m["metrics"]["after_hours_percentage"],
    )
    for m in after[:NAMED]:
        insights.append(
            {
                "type": "warning",
                "category": "after_hours",
                "message": f"{m['user_name']} handled {m['metrics']['after_hours_count']} of {m['incident_count']} "
                f"incidents ({_pct(m['metrics']['after_hours_percentage'])}) on weekdays outside {hours} "
                f"in their time zone",
                "priority": "high" if m["metrics"]["after_hours_percentage"] >= 0.5 else "medium",
            }
        )
    if after:
        recommendations.append(
            f"Give {_names(after)} recovery time after out-of-hours pages and check that alerts firing outside "
            f"{hours} are actionable"
        )

    weekend = sorted(
        (m for m in active if m["metrics"]["weekend_percentage"] >= WEEKEND_NOTABLE),
        key=lambda m: -m["metrics"]["weekend_percentage"],
    )
    for m in weekend[:NAMED]:
        insights.append(
            {
                "type": "warning",
                "category": "weekend",
                "message": f"{m['user_name']} worked {m['metrics']['weekend_count']} weekend incidents "
                f"({_pct(m['metrics']['weekend_percentage'])} of theirs)",
                "priority": "medium",
            }
        )
    if weekend:
        recommendations.append(
            f"Review weekend on-call compensation and rotation frequency: {_plural(len(weekend), 'person', 'people')} "
            f"spent a quarter or more of their incidents on weekends"
        )

    night = sorted(
        (m for m in active if m["metrics"]["night_percentage"] >= NIGHT_NOTABLE),
        key=lambda m: -m["metrics"]["night_count"],
    )
    if night:
        count = sum(m["metrics"]["night_count"] for m in night)
        insights.append(
            {
                "type": "warning",
                "category": "night",
                "message": f"{_plural(count, 'incident')} between {policy.night_start:%H:%M} and "
                f"{policy.night_end:%H:%M} local time fell to {_names(night)}",
                "priority": "high",
            }
        )
        recommendations.append(
            "Add a follow-the-sun handover or a secondary on-call for night pages, so sleep is interrupted less often"
        )

    responses = sum(m["incident_count"] for m in members)
    if responses and len(active) >= 3:
        top = max(members, key=lambda m: m["incident_count"])
        share = top["incident_count"] / responses
        if share >= CONCENTRATION_NOTABLE:
            insights.append(
                {
                    "type": "warning",
                    "category": "workload",
                    "message": f"{top['user_name']} responded to {top['incident_count']} of {responses} incident "
                    f"responses ({_pct(share)}) across {len(active)} active responders",
                    "priority": "high",
                }
            )
            recommendations.append(
                f"Rebalance the rotation: {top['user_name']} carries {_pct(share)} of the responses in "
                f"{window.days} days"
            )

    slow = [m for m in active if m["metrics"]["avg_response_time_minutes"] > policy.full_response_minutes]
    if slow:
        insights.append(
            {
                "type": "info",
                "category": "response_time",
                "message": f"Average response above {policy.full_response_minutes:.0f} minutes for {_names(slow)}",
                "priority": "medium",
            }
        )
        recommendations.append("Review escalation policies and paging routes where responses take over an hour")

    critical_total = sum(m["metrics"]["severity_distribution"]["critical"] for m in members)
    if critical_total:
        insights.append(
            {
                "type": "info",
                "category": "severity",
                "message": f"{_plural(critical_total, 'critical incident response')} in {window.days} days",
                "priority": "medium" if critical_total < 5 else "high",
            }
        )

    if not at_risk and total_incidents:
        insights.append(
            {
                "type": "success",
                "category": "team",
                "message": f"No one is at high or critical risk; team health is {team_health['health_status']} "
                f"({team_health['overall_score']}/10) over {_plural(total_incidents, 'incident')}",
                "priority": "low",
            }
        )
    if not total_incidents:
        insights.append(
            {
                "type": "info",
                "category": "data",
                "message": f"No incidents in the {window.days} days analysed",
                "priority": "low",
            }
        )
    return insights, recommendations
