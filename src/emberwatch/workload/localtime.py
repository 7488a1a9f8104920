"""Local weekday and minute of day for millions of instants in many time zones, with integer arithmetic.

A zone's UTC offset changes only at a few instants a year (DST, or a change of law). For each zone in the data we
find those instants inside the window with `zoneinfo` (the same tz database Python uses everywhere), then each row
takes its zone's offset by array lookups: no per-row time-zone conversion. Tests pin the result to polars' own
`convert_time_zone` across DST changes and half-hour zones.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl

MICROS_PER_MINUTE = 60_000_000
MINUTES_PER_DAY = 1440
NEVER = 2**62  # a transition instant that never comes


def _offset_minutes(zone: ZoneInfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> tuple[int, list[tuple[int, int]]]:
    """The offset at `start` and every (instant in µs since the epoch, new offset) up to `end`."""
    base = _offset_minutes(zone, start)
    changes: list[tuple[int, int]] = []
    current, day = base, start
    while day < end:
        following = min(day + timedelta(days=1), end)  # offsets never change twice in a day
        after = _offset_minutes(zone, following)
        if after != current:
            # Bisect on whole seconds (tz database changes fall on whole seconds): the first second with the new offset.
            low, high = int(day.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if _offset_minutes(zone, datetime.fromtimestamp(middle, UTC)) == current:
                    low = middle
                else:
                    high = middle
            changes.append((high * 1_000_000, after))
            current = after
        day = following
    return base, changes


def local_parts(frame: pl.DataFrame, zones: list[str], start: datetime, end: datetime) -> pl.DataFrame:
    """Add `local_weekday` (1 = Monday) and `local_minute` to `frame`, whose `zone_code` indexes `zones` and whose
    `created_at` lies in [start, end)."""
    if frame.height == 0:
        return frame.with_columns(local_weekday=pl.lit(None, pl.Int8), local_minute=pl.lit(None, pl.Int32))
    start, end = start.astimezone(UTC) - timedelta(days=1), end.astimezone(UTC) + timedelta(days=1)
    tables = [_transitions(ZoneInfo(z), start, end) for z in zones]
    steps = max((len(changes) for _, changes in tables), default=0)
    code = pl.col("zone_code")
    instant = pl.col("created_at").dt.epoch("us")
    offset = pl.lit(pl.Series([base for base, _ in tables], dtype=pl.Int64)).gather(code)
    for i in range(steps):
        at = pl.Series([c[i][0] if i < len(c) else NEVER for _, c in tables], dtype=pl.Int64)
        to = pl.Series([c[i][1] if i < len(c) else 0 for _, c in tables], dtype=pl.Int64)
        offset = pl.when(instant >= pl.lit(at).gather(code)).then(pl.lit(to).gather(code)).otherwise(offset)
    local_minutes = instant.floordiv(MICROS_PER_MINUTE) + offset
    return frame.with_columns(
        # 1970-01-01 was a Thursday (ISO weekday 4).
        local_weekday=((local_minutes.floordiv(MINUTES_PER_DAY) + 3) % 7 + 1).cast(pl.Int8),
        local_minute=(local_minutes % MINUTES_PER_DAY).cast(pl.Int32),
    )
