"""`emberwatch workload analyze` on a file: the same analysis as the API, offline, with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from emberwatch.cli import app

runner = CliRunner()
HEADER = "id,created_at,acknowledged_at,resolved_at,severity,responder_email,responder_name,responder_timezone,title\n"


def test_analyze_a_file(tmp_path: Path) -> None:
    rows = [
        # Friday 20:00 UTC: 21:00 in Berlin (after hours), 12:00 in Los Angeles (business hours).
        "A1,2026-03-06T20:00:00Z,2026-03-06T20:12:00Z,,critical,ber@example.org,Ber,Europe/Berlin,x",
        "A1,2026-03-06T20:00:00Z,2026-03-06T20:12:00Z,,critical,lax@example.org,Lax,America/Los_Angeles,x",
        # Saturday: a weekend incident for Berlin.
        "A2,2026-03-07T10:00:00Z,,,low,ber@example.org,Ber,Europe/Berlin,y",
    ]
    source = tmp_path / "incidents.csv"
    source.write_text(HEADER + "\n".join(rows) + "\n")
    out = tmp_path / "analysis.json"
    result = runner.invoke(
        app, ["workload", "analyze", "--input", str(source), "--end", "2026-03-10T00:00:00Z", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    members = {m["user_email"]: m for m in data["team_analysis"]["members"]}
    assert members["ber@example.org"]["metrics"]["after_hours_count"] == 1
    assert members["ber@example.org"]["metrics"]["weekend_count"] == 1
    assert members["lax@example.org"]["metrics"]["after_hours_count"] == 0
    assert data["metadata"]["total_incidents"] == 2

    weekdays = runner.invoke(
        app, ["workload", "analyze", "--input", str(source), "--end", "2026-03-10T00:00:00Z", "--no-weekends"]
    )
    assert weekdays.exit_code == 0
    only = {m["user_email"]: m for m in json.loads(weekdays.stdout)["team_analysis"]["members"]}
    assert only["ber@example.org"]["incident_count"] == 1


def test_bad_rows_and_windows_are_explained(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(
        HEADER + "B1,not-a-time,,,high,x@example.org,X,UTC,t\nB2,2026-01-01T00:00:00Z,,,high,no-email,X,UTC,t\n"
    )
    result = runner.invoke(app, ["workload", "analyze", "--input", str(source)])
    assert result.exit_code == 2
    assert "line(s) 2, 3" in result.output and "Traceback" not in result.output
    old = tmp_path / "old.csv"
    old.write_text(HEADER + "C1,2020-01-01T00:00:00Z,,,high,x@example.org,X,UTC,t\n")
    empty = runner.invoke(app, ["workload", "analyze", "--input", str(old)])
    assert empty.exit_code == 0
    assert "No incidents in the window" in empty.output
    missing = runner.invoke(app, ["workload", "analyze", "--input", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
