"""Workload analysis benchmarks (SPEC §5): `analyze()` on 5,000 / 200,000 / 10,000,000 synthetic incidents, and the
whole `emberwatch workload analyze` command on the 200,000-incident CSV.

    .venv/bin/python -m bench.workload [--sizes 5k,200k,10M] [--output bench/out/workload.json]

The data are generated once per size in a child process (timed on their own, never counted in the analysis) and
written to Parquet; each analysis runs in a fresh `python -c` process that loads the file and calls `analyze()` — best
of 3 for the small sizes, once for 10M. That process reports its time, its peak RSS (`ru_maxrss`) and the RSS growth
during the analysis, sampled every 2 ms above the RSS it had with the data loaded. The CLI row is one subprocess on
the 200k CSV, timed from outside, its peak RSS from `wait4`. A watchdog stops any child past --max-rss-gb.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from emberwatch.workload.importing import COLUMNS
from emberwatch.workload.scoring import INCIDENT_SCHEMA, PEOPLE_SCHEMA, SEVERITIES

END = datetime(2026, 11, 2, tzinfo=UTC)  # the analysis window ends on a Monday at midnight UTC
# (IANA zone, standard UTC offset in hours used only to shape the generated day, share of the team)
ZONES = (
    ("America/Los_Angeles", -8.0, 0.14),
    ("America/Denver", -7.0, 0.04),
    ("America/Chicago", -6.0, 0.07),
    ("America/New_York", -5.0, 0.15),
    ("America/Sao_Paulo", -3.0, 0.05),
    ("Europe/London", 0.0, 0.1),
    ("Europe/Berlin", 1.0, 0.14),
    ("Europe/Kyiv", 2.0, 0.05),
    ("Asia/Kolkata", 5.5, 0.12),
    ("Asia/Singapore", 8.0, 0.05),
    ("Asia/Tokyo", 9.0, 0.04),
    ("Australia/Sydney", 10.0, 0.05),
)
# Local hour of the page: most in the working day, a tail into the evening, fewer at night.
HOUR_WEIGHTS = np.array([2, 2, 1, 1, 1, 2, 3, 5, 8, 12, 13, 13, 11, 12, 13, 13, 12, 10, 7, 6, 5, 4, 3, 2], float)
WEEKEND_WEIGHT = 0.45  # a weekend day sees this fraction of a weekday's incidents
SEVERITY_WEIGHTS = dict(zip(SEVERITIES, (0.04, 0.14, 0.32, 0.42, 0.08), strict=True))
SAME_ZONE = 0.7  # share of secondary responders taken from the primary's time zone
ACKNOWLEDGED = 0.7
MEAN_ACK_MINUTES = 9.0
MEAN_RESOLVE_MINUTES = 75.0
TITLES = (
    "Elevated 5xx rate on checkout API",
    "Database replica lag above threshold",
    "Disk usage above 90% on ingest node",
    "Latency p99 SLO burn rate alert",
    "Kafka consumer group falling behind",
    "Certificate expires in 7 days",
    "Payment provider webhook failures",
    "Pod crash loop in search service",
    "Queue depth growing on mailer",
    "DNS resolution errors in eu-west",
)
FIRST_NAMES = ("Ana", "Bo", "Chen", "Dana", "Eli", "Fatima", "Goran", "Hana", "Ivan", "Jia", "Kofi", "Lena", "Mateo")
LAST_NAMES = ("Lima", "Berg", "Wang", "Okafor", "Novak", "Sato", "Rossi", "Kumar", "Silva", "Meyer", "Haddad")


@dataclass(frozen=True)
class Size:
    incidents: int
    members: int
    days: int
    repeats: int
    target_seconds: float | None = None
    target_mb: float | None = None


SIZES = {
    "5k": Size(5_000, 100, 30, repeats=3),
    "200k": Size(200_000, 2_000, 30, repeats=3, target_seconds=0.3, target_mb=300),
    "10M": Size(10_000_000, 20_000, 365, repeats=1, target_seconds=15),
}
CLI_TARGET_SECONDS = 3.0
ROOTLY = {"seconds": 57.0, "peak_mb": 1800.0}  # the figure quoted in SPEC §5 for 200,000 incidents
ROOT = Path(__file__).resolve().parents[1]  # children run from the repository root, so `bench` imports


# --- data -----------------------------------------------------------------------------------------------------------


def _people(n_members: int, rng: np.random.Generator) -> tuple[pl.DataFrame, np.ndarray]:
    zone = rng.choice(len(ZONES), size=n_members, p=np.array([z[2] for z in ZONES]) / sum(z[2] for z in ZONES))
    first, last = len(FIRST_NAMES), len(LAST_NAMES)
    names = [f"{FIRST_NAMES[i % first]} {LAST_NAMES[i // first % last]} {i}" for i in range(n_members)]
    people = pl.DataFrame(
        {
            "email": [f"oncall{i:05d}@example.com" for i in range(n_members)],
            "name": names,
            "timezone": pl.Series([z[0] for z in ZONES]).gather(zone),
        },
        schema=PEOPLE_SCHEMA,
    )
    return people, zone


def generate(
    n_incidents: int, n_members: int, days: int, seed: int, *, end: datetime = END
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Incidents (one row per responder, INCIDENT_SCHEMA) and people (PEOPLE_SCHEMA), deterministic in `seed`.

    Vectorised: the only Python loops are over members (names and e-mails) and constants, never over incidents.
    """
    if n_members < 2:
        raise ValueError("at least two members")
    rng = np.random.default_rng(seed)
    people, zone = _people(n_members, rng)
    offsets = np.array([z[1] for z in ZONES])

    # Who is paged first: a skewed rota (some people carry much more than others).
    activity = rng.gamma(2.0, 1.0, n_members)
    primary = rng.choice(n_members, size=n_incidents, p=activity / activity.sum())

    # When, in the primary responder's own day: weekdays busier than weekends, working hours busier than nights.
    start = end - timedelta(days=days)
    weekday = (np.arange(days) + start.weekday()) % 7
    day_weights = np.where(weekday >= 5, WEEKEND_WEIGHT, 1.0)
    day = rng.choice(days, size=n_incidents, p=day_weights / day_weights.sum())
    hour = rng.choice(24, size=n_incidents, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    local_us = (day * 86_400 + hour * 3_600) * 1_000_000 + rng.integers(0, 3_600_000_000, n_incidents)
    offset_us = (offsets[zone[primary]] * 3_600_000_000).astype(np.int64)
    window_us = days * 86_400_000_000
    start_us = int(start.timestamp()) * 1_000_000
    created = start_us + (local_us - offset_us) % window_us  # wrapped into [start, end)

    acknowledged = rng.random(n_incidents) < ACKNOWLEDGED
    ack_delay = (30 + rng.exponential(MEAN_ACK_MINUTES * 60, n_incidents)) * 1_000_000
    acked_at = created + ack_delay.astype(np.int64)
    resolved_at = acked_at + (rng.exponential(MEAN_RESOLVE_MINUTES * 60, n_incidents) * 1_000_000).astype(np.int64)
    severity = rng.choice(len(SEVERITIES), size=n_incidents, p=list(SEVERITY_WEIGHTS.values()))
    title = rng.integers(0, len(TITLES), n_incidents)

    # 1–3 responders per incident; the first is the primary, the others mostly colleagues in the same time zone
    # (sometimes the primary again, as when one person is both `started_by` and `resolved_by`), else anyone.
    count = 1 + rng.binomial(2, 0.35, n_incidents)
    row_incident = np.repeat(np.arange(n_incidents), count)
    rows = row_incident.size
    first = np.zeros(rows, dtype=bool)
    first[np.cumsum(count) - count] = True
    by_zone = np.argsort(zone, kind="stable")
    zone_size = np.bincount(zone, minlength=len(ZONES))
    zone_start = np.cumsum(zone_size) - zone_size
    row_zone = zone[primary[row_incident]]
    colleague = by_zone[zone_start[row_zone] + rng.integers(0, zone_size[row_zone])]
    anyone = (primary[row_incident] + 1 + rng.integers(0, n_members - 1, rows)) % n_members
    other = np.where(rng.random(rows) < SAME_ZONE, colleague, anyone)
    responder = np.where(first, primary[row_incident], other)

    us = pl.Datetime("us", "UTC")
    per_incident = pl.DataFrame(
        {
            "n": np.arange(n_incidents),
            "created_at": created,
            "acknowledged_at": acked_at,
            "resolved_at": resolved_at,
            "acknowledged": acknowledged,
            "severity": severity.astype(np.uint32),
            "title": title.astype(np.uint32),
        }
    ).select(
        id=pl.format("INC-{}", pl.col("n")),
        created_at=pl.col("created_at").cast(us),
        acknowledged_at=pl.when("acknowledged").then(pl.col("acknowledged_at").cast(us)),
        resolved_at=pl.col("resolved_at").cast(us),
        severity=pl.lit(pl.Series(SEVERITIES)).gather(pl.col("severity")),
        title=pl.lit(pl.Series(TITLES)).gather(pl.col("title")),
    )
    who = people[responder]
    incidents = pl.DataFrame(
        {
            **per_incident[row_incident].to_dict(),
            "responder_email": who.get_column("email").alias("responder_email"),
            "responder_name": who.get_column("name").alias("responder_name"),
        }
    ).select(list(INCIDENT_SCHEMA))
    return incidents.cast(INCIDENT_SCHEMA), people


def write_csv(incidents: pl.DataFrame, people: pl.DataFrame, path: Path) -> None:
    """The import format of SPEC §2.5, with the responder's time zone, ISO 8601 UTC timestamps."""
    zones = people.select(responder_email="email", responder_timezone="timezone")
    incidents.join(zones, on="responder_email", how="left", maintain_order="left").select(COLUMNS).write_csv(
        path, datetime_format="%Y-%m-%dT%H:%M:%S%.6fZ"
    )


# --- measuring ------------------------------------------------------------------------------------------------------

# Runs in a fresh interpreter: load the Parquet files, then time analyze() while a thread samples the RSS.
CHILD = r"""
import json, os, resource, sys, threading, time
from datetime import datetime

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

import polars as pl
from emberwatch.core.config import WorkloadPolicy
from emberwatch.workload.scoring import Window, analyze

args = json.loads(sys.argv[1])
incidents = pl.read_parquet(args["incidents"])
people = pl.read_parquet(args["people"])
window = Window(datetime.fromisoformat(args["end"]), args["days"], True)
policy = WorkloadPolicy()
base = rss()
peak = base
running = True

def sample():
    global peak
    while running:
        peak = max(peak, rss())
        time.sleep(0.002)

sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
times = []
for _ in range(args["repeats"]):
    started = time.perf_counter()
    result = analyze(incidents, people, window=window, policy=policy)
    times.append(time.perf_counter() - started)
    peak = max(peak, rss())
running = False
sampler.join()
print(json.dumps({
    "seconds": times,
    "rss_with_data_mb": base / 2**20,
    "analysis_rss_growth_mb": (peak - base) / 2**20,
    "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "input_frame_mb": incidents.estimated_size() / 2**20,
    "response_rows": incidents.height,
    "total_incidents": result["metadata"]["total_incidents"],
    "total_responses": result["metadata"]["total_responses"],
    "members": result["metadata"]["total_users"],
    "health": result["team_health"],
}))
"""


# Runs in a fresh interpreter too, so that the benchmark's own process never holds the data.
GENERATE = r"""
import json, sys, time
from pathlib import Path
from bench.workload import generate, write_csv

args = json.loads(sys.argv[1])
started = time.perf_counter()
incidents, people = generate(args["incidents"], args["members"], args["days"], args["seed"])
seconds = time.perf_counter() - started
incidents.write_parquet(args["incidents_path"])
people.write_parquet(args["people_path"])
if args["csv_path"]:
    write_csv(incidents, people, Path(args["csv_path"]))
print(json.dumps({"seconds": seconds, "rows": incidents.height}))
"""


@dataclass(frozen=True)
class Child:
    code: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str
    killed_over_mb: float | None = None


def _rss_mb(pid: int) -> float:
    try:
        with Path(f"/proc/{pid}/statm").open() as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _run_child(argv: list[str], max_rss_mb: float) -> Child:
    """Run a command from the repository root; its exit code, wall seconds, own peak RSS (from wait4) and output.

    A watchdog kills it if its RSS passes `max_rss_mb`, so a size too big for the machine cannot take it down.
    """
    killed: list[float] = []
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.05):
                rss = _rss_mb(process.pid)
                if rss > max_rss_mb:
                    killed.append(rss)
                    process.kill()
                    return

        watchdog = threading.Thread(target=watch, daemon=True)
        watchdog.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        watchdog.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Child(
            process.returncode,
            seconds,
            usage.ru_maxrss / 1024,
            out.read().decode(),
            err.read().decode(),
            killed[0] if killed else None,
        )


def _last_json(child: Child, what: str) -> dict[str, Any]:
    if child.killed_over_mb is not None:
        raise MemoryError(f"{what} was stopped at {child.killed_over_mb:,.0f} MB RSS (the --max-rss-gb cap)")
    if child.code != 0:
        raise RuntimeError(f"{what} failed (exit {child.code}):\n{child.stderr}")
    result: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def measure_analysis(name: str, size: Size, seed: int, workdir: Path, csv: bool, max_rss_mb: float) -> dict[str, Any]:
    paths = {"incidents": workdir / f"{name}-incidents.parquet", "people": workdir / f"{name}-people.parquet"}
    csv_path = workdir / f"{name}-incidents.csv" if csv else None
    row: dict[str, Any] = {
        "size": name,
        "incidents": size.incidents,
        "members": size.members,
        "days": size.days,
        "target_seconds": size.target_seconds,
        "target_mb": size.target_mb,
        "csv": str(csv_path) if csv_path else None,
    }
    job = {
        "incidents": size.incidents,
        "members": size.members,
        "days": size.days,
        "seed": seed,
        "incidents_path": str(paths["incidents"]),
        "people_path": str(paths["people"]),
        "csv_path": str(csv_path) if csv_path else None,
    }
    try:
        generated = _last_json(_run_child([sys.executable, "-c", GENERATE, json.dumps(job)], max_rss_mb), "generation")
        row["generation_seconds"] = round(generated["seconds"], 2)
        args = {k: str(v) for k, v in paths.items()} | {"end": END.isoformat(), "days": size.days}
        child = _run_child([sys.executable, "-c", CHILD, json.dumps(args | {"repeats": size.repeats})], max_rss_mb)
        measured = _last_json(child, "analysis")
    except MemoryError as error:
        return row | {"aborted": str(error)}
    seconds = measured.pop("seconds")
    return row | {
        "analysis_seconds": round(min(seconds), 3),
        "analysis_runs": [round(s, 3) for s in seconds],
        "child_wall_seconds": round(child.seconds, 2),
        **{k: round(v, 1) if isinstance(v, float) else v for k, v in measured.items()},
        "process_peak_mb_wait4": round(child.peak_mb, 1),
    }


def _emberwatch() -> str | None:
    script = Path(sys.executable).with_name("emberwatch")
    return str(script) if script.exists() else shutil.which("emberwatch")


def measure_cli(csv_path: Path, size: Size, workdir: Path, max_rss_mb: float) -> dict[str, Any]:
    """The whole `emberwatch workload analyze` command on the CSV, or why it was skipped."""
    row: dict[str, Any] = {"size": "200k", "incidents": size.incidents, "target_seconds": CLI_TARGET_SECONDS}
    command = _emberwatch()
    if command is None:
        return row | {"skipped": "the `emberwatch` command is not installed in this environment"}
    help_run = subprocess.run([command, "workload", "analyze", "--help"], capture_output=True, text=True, check=False)
    if help_run.returncode != 0:
        return row | {"skipped": "`emberwatch workload analyze` does not exist yet (its --help exits non-zero)"}
    output = workdir / "cli-analysis.json"
    argv = [command, "workload", "analyze", "--input", str(csv_path), "--output", str(output)]
    if "--days" in help_run.stdout:
        argv += ["--days", str(size.days)]
    if "--end" in help_run.stdout:
        argv += ["--end", END.isoformat()]
    else:
        row["warning"] = "no --end option: the CLI's own window may miss the generated data"
    child = _run_child(argv, max_rss_mb)
    if child.killed_over_mb is not None:
        return row | {"failed": f"stopped at {child.killed_over_mb:,.0f} MB RSS (the --max-rss-gb cap)"}
    if child.code != 0:
        return row | {"failed": f"exit {child.code}: {child.stderr.strip()[-500:]}"}
    row |= {"seconds": round(child.seconds, 2), "process_peak_mb": round(child.peak_mb, 1)}
    row["command"] = " ".join(["emberwatch", *argv[1:]])
    if output.exists():
        metadata = json.loads(output.read_text()).get("metadata", {})
        row |= {"total_incidents": metadata.get("total_incidents"), "members": metadata.get("total_users")}
    return row


# --- report ---------------------------------------------------------------------------------------------------------


def _n(x: float | int | None, digits: int = 0) -> str:
    if x is None:
        return "—"
    return f"{x:,.{digits}f}"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Workload analysis on {report['machine']['cores']} cores, {report['machine']['memory_gb']} GB RAM, "
        f"Python {report['machine']['python']}, polars {report['machine']['polars']}.",
        "",
        "| run | incidents | responder rows | members | days | generation s | analysis s | target s "
        "| analysis RSS growth MB | process peak RSS MB | target MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["analyses"]:
        if "aborted" in r:
            lines.append(
                f"| `analyze()` {r['size']} | {_n(r['incidents'])} | | {_n(r['members'])} | {r['days']} "
                f"| {r.get('generation_seconds', '—')} | aborted: {r['aborted']} | {_n(r['target_seconds'], 1)} "
                f"| | | {_n(r['target_mb'])} |"
            )
            continue
        runs = "best of 3" if len(r["analysis_runs"]) > 1 else "1 run"
        lines.append(
            f"| `analyze()` {r['size']} | {_n(r['incidents'])} | {_n(r['response_rows'])} | {_n(r['members'])} "
            f"| {r['days']} | {r['generation_seconds']} | **{r['analysis_seconds']}** ({runs}) "
            f"| {_n(r['target_seconds'], 1)} | **{_n(r['analysis_rss_growth_mb'])}** | {_n(r['process_peak_mb'])} "
            f"| {_n(r['target_mb'])} |"
        )
    cli = report.get("cli")
    if cli:
        if "seconds" in cli:
            lines.append(
                f"| `emberwatch workload analyze` 200k CSV (whole command) | {_n(cli['incidents'])} | | "
                f"{_n(cli.get('members'))} | 30 | | **{cli['seconds']}** | {cli['target_seconds']} | "
                f"| {_n(cli['process_peak_mb'])} | |"
            )
        else:
            reason = cli.get("skipped") or cli.get("failed")
            lines.append(f"| `emberwatch workload analyze` 200k CSV | skipped: {reason} | | | | | | 3 | | | |")
    lines.append(
        f"| Rootly open-source analyzer, 200k (quoted in SPEC §5) | 200,000 | | | | | {ROOTLY['seconds']:.0f} | | "
        f"| {ROOTLY['peak_mb']:,.0f} | |"
    )
    lines += [
        "",
        "Analysis s: wall time of `analyze()` alone, data already in memory. RSS growth: peak RSS during the analysis "
        "minus the RSS with the data loaded (sampled every 2 ms). Process peak: the analysing process's `ru_maxrss` "
        "(interpreter, polars, the loaded data and the analysis). Generation is timed separately and not included.",
    ]
    return "\n".join(lines)


def _memory_gb() -> float:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(SIZES), help=f"comma-separated subset of {', '.join(SIZES)}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=Path("bench/out/workload.json"))
    parser.add_argument(
        "--max-rss-gb",
        type=float,
        default=round(0.7 * _memory_gb(), 1) or 8.0,
        help="stop any child process whose RSS passes this (default: 70%% of the machine's memory)",
    )
    args = parser.parse_args()
    max_rss_mb = args.max_rss_gb * 1024
    names = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [n for n in names if n not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; choose from {', '.join(SIZES)}")

    report: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "polars": pl.__version__,
            "cores": os.cpu_count(),
            "memory_gb": _memory_gb(),
        },
        "window_end": END.isoformat(),
        "analyses": [],
        "rootly_quoted_200k": ROOTLY,
    }
    with tempfile.TemporaryDirectory(prefix="bench-workload-") as tmp:
        workdir = Path(tmp)
        for name in names:
            print(f"… {name}: generating and analysing", file=sys.stderr, flush=True)
            row = measure_analysis(name, SIZES[name], args.seed, workdir, name == "200k", max_rss_mb)
            report["analyses"].append(row)
            if "aborted" in row:
                print(f"   aborted: {row['aborted']}", file=sys.stderr)
            elif row["csv"]:
                print("… 200k: timing `emberwatch workload analyze` on the CSV", file=sys.stderr, flush=True)
                report["cli"] = measure_cli(Path(row["csv"]), SIZES[name], workdir, max_rss_mb)
                if "skipped" in report["cli"]:
                    print(f"   skipped: {report['cli']['skipped']}", file=sys.stderr)
            row.pop("csv")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(markdown(report))


if __name__ == "__main__":
    main()
