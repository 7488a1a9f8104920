"""Settings: production refuses unsafe values; URLs and lists are read the way people write them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from emberwatch.core.config import DEVELOPMENT_SECRET, AuthPolicy, Settings

STRONG = "x" * 48


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="EMBERWATCH_SECRET_KEY"):
        Settings(env="production", secret_key=DEVELOPMENT_SECRET, cors_origins=["https://a.example"])


def test_production_refuses_short_secret_and_open_cors() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(env="production", secret_key="short", cors_origins=["https://a.example"])
    with pytest.raises(ValidationError, match="CORS"):
        Settings(env="production", secret_key=STRONG, cors_origins=["*"])


def test_production_with_safe_values_starts() -> None:
    settings = Settings(env="production", secret_key=STRONG, cors_origins=["https://a.example"])
    assert settings.registration_open is False  # open registration is a development default


def test_cheap_hashing_only_in_tests() -> None:
    cheap = AuthPolicy(argon2_memory_kib=64, argon2_time_cost=1)
    with pytest.raises(ValidationError, match="OWASP"):
        Settings(env="development", auth=cheap)
    assert Settings(env="test", auth=cheap).auth.argon2_memory_kib == 64


def test_defaults_follow_owasp() -> None:
    auth = Settings().auth
    assert (auth.argon2_memory_kib, auth.argon2_time_cost, auth.argon2_parallelism) == (19 * 1024, 2, 1)


def test_privacy_threshold_cannot_go_below_three() -> None:
    with pytest.raises(ValidationError):
        Settings(privacy_min_group_size=2)
    assert Settings(privacy_min_group_size=3).privacy_min_group_size == 3


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///./var/x.sqlite3", "sqlite+aiosqlite:///./var/x.sqlite3"),
    ],
)
def test_database_urls_get_the_async_driver(given: str, expected: str) -> None:
    assert Settings(database_url=given).database_url == expected


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    monkeypatch.setenv("EMBERWATCH_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("EMBERWATCH_AUTH__LOCKOUT_THRESHOLD", "7")
    settings = Settings()
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.auth.lockout_threshold == 7


def test_cors_origins_as_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBERWATCH_CORS_ORIGINS", '["https://a.example", "https://b.example"]')
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]
