"""Read an incident CSV (the normal form plus `responder_timezone`) into polars frames, fast, for the offline CLI.

Bad rows are reported with their line numbers; the file is refused whole.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emberwatch.workload.scoring import INCIDENT_SCHEMA, PEOPLE_SCHEMA

MAX_SHOWN = 20
TIMESTAMPS = ("created_at", "acknowledged_at", "resolved_at")


class FileProblem(Exception):
    pass


def read_incident_csv(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise FileProblem(f"cannot read the file: {exc}") from exc
    missing = [c for c in ("id", "created_at", "responder_email") if c not in raw.columns]
    if missing:
        raise FileProblem(f"missing column(s) {', '.join(missing)}")
    for column in ("acknowledged_at", "resolved_at", "severity", "responder_name", "responder_timezone", "title"):
        if column not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.String).alias(column))
    parsed = raw.with_row_index("line", offset=2).with_columns(
        [
            pl.col(c).str.strip_chars().str.to_datetime(time_zone="UTC", strict=False).alias(f"{c}_parsed")
            for c in TIMESTAMPS
        ]
    )
    bad = parsed.filter(
        pl.col("created_at_parsed").is_null()
        | (
            pl.col("acknowledged_at").is_not_null()
            & (pl.col("acknowledged_at") != "")
            & pl.col("acknowledged_at_parsed").is_null()
        )
        | pl.col("responder_email").is_null()
        | ~pl.col("responder_email").str.contains("@")
    )
    if bad.height:
        lines = ", ".join(str(v) for v in bad.get_column("line").head(MAX_SHOWN).to_list())
        more = f" and {bad.height - MAX_SHOWN} more" if bad.height > MAX_SHOWN else ""
        raise FileProblem(f"{bad.height} bad row(s) (unparseable timestamp or missing email) on line(s) {lines}{more}")
    incidents = parsed.select(
        pl.col("id"),
        pl.col("created_at_parsed").alias("created_at"),
        pl.col("acknowledged_at_parsed").alias("acknowledged_at"),
        pl.col("resolved_at_parsed").alias("resolved_at"),
        pl.col("severity"),
        pl.col("responder_email"),
        pl.col("responder_name"),
        pl.col("title"),
    ).cast(pl.Schema(INCIDENT_SCHEMA))
    people = (
        parsed.select(
            email=pl.col("responder_email").str.strip_chars().str.to_lowercase(),
            name=pl.col("responder_name"),
            timezone=pl.col("responder_timezone"),
        )
        .unique(subset="email", keep="first", maintain_order=True)
        .cast(pl.Schema(PEOPLE_SCHEMA))
    )
    return incidents, people
