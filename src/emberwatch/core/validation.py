"""Field types shared by several domains' schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, EmailStr, Field, StringConstraints


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError("must be an IANA time zone name such as 'Europe/Berlin' or 'UTC'")
    return value


def _lower(value: str) -> str:
    return value.lower()


TimezoneName = Annotated[str, Field(max_length=64, examples=["Europe/Berlin"]), AfterValidator(_known_zone)]
Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(_lower)]
# NIST SP 800-63B: length is the only composition rule; the blocklist is checked by the auth service.
Password = Annotated[str, StringConstraints(min_length=12, max_length=128)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def _assume_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A timestamp in a query or body; one sent without an offset is taken as UTC (SPEC §2: timestamps are UTC).
UTCTimestamp = Annotated[datetime, AfterValidator(_assume_utc)]
