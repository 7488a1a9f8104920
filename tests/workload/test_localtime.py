"""The integer local-time arithmetic agrees with polars' own time-zone conversion, DST changes included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from emberwatch.workload.localtime import local_parts

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Kolkata",  # +05:30
    "Australia/Sydney",  # DST in the southern summer
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "America/St_Johns",  # -03:30 with DST
    "Asia/Tokyo",
]
START = datetime(2025, 10, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)


def _expected(frame: pl.DataFrame) -> list[tuple[int, int]]:
    out = []
    for (code,), part in frame.with_row_index("row").partition_by("zone_code", as_dict=True).items():
        local = pl.col("created_at").dt.convert_time_zone(ZONES[int(code)])
        out += part.select(
            "row", local.dt.weekday().alias("w"), (local.dt.hour().cast(pl.Int32) * 60 + local.dt.minute()).alias("m")
        ).rows()
    return [(w, m) for _, w, m in sorted(out)]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, int((END - START).total_seconds()) - 1), st.integers(0, len(ZONES) - 1)),
        min_size=1,
        max_size=200,
    )
)
def test_matches_polars_conversion(rows: list[tuple[int, int]]) -> None:
    frame = pl.DataFrame(
        {
            "created_at": [START + timedelta(seconds=s) for s, _ in rows],
            "zone_code": [z for _, z in rows],
        },
        schema={"created_at": pl.Datetime("us", "UTC"), "zone_code": pl.UInt16},
    )
    ours = local_parts(frame, ZONES, START, END).select("local_weekday", "local_minute").rows()
    assert [(int(w), int(m)) for w, m in ours] == _expected(frame)


def test_every_minute_around_dst_changes() -> None:
    """Each minute of the hours around Berlin's, New York's and Lord Howe's 2026 changes."""
    moments = []
    for change in (
        datetime(2026, 3, 29, 1, tzinfo=UTC),
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 4, 4, 15, tzinfo=UTC),
    ):
        moments += [change + timedelta(minutes=m) for m in range(-90, 91)]
    codes = [ZONES.index(z) for z in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe") for _ in range(181)]
    frame = pl.DataFrame(
        {"created_at": moments, "zone_code": codes},
        schema={"created_at": pl.Datetime("us", "UTC"), "zone_code": pl.UInt16},
    )
    ours = local_parts(frame, ZONES, START, END).select("local_weekday", "local_minute").rows()
    assert [(int(w), int(m)) for w, m in ours] == _expected(frame)
