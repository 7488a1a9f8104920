"""The `emberwatch` command line: migrate and create an admin, with clear messages for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from emberwatch.cli import app
from emberwatch.core.config import get_settings

runner = CliRunner()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "var" / "cli.sqlite3"
    monkeypatch.setenv("EMBERWATCH_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_migrate_then_create_admin(sqlite_env: Path) -> None:
    migrated = runner.invoke(app, ["migrate"])
    assert migrated.exit_code == 0, migrated.output
    assert sqlite_env.exists()
    created = runner.invoke(
        app, ["users", "create-admin", "--email", "Root@Example.org", "--password", "a long admin passphrase"]
    )
    assert created.exit_code == 0, created.output
    assert "root@example.org" in created.output.lower()
    again = runner.invoke(
        app, ["users", "create-admin", "--email", "root@example.org", "--password", "a long admin passphrase"]
    )
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_create_admin_refuses_weak_or_invalid_input(sqlite_env: Path) -> None:
    runner.invoke(app, ["migrate"])
    weak = runner.invoke(app, ["users", "create-admin", "--email", "a@example.org", "--password", "qwerty123456"])
    assert weak.exit_code == 1
    assert "most common passwords" in weak.output
    bad = runner.invoke(
        app, ["users", "create-admin", "--email", "not-an-email", "--password", "a long admin passphrase"]
    )
    assert bad.exit_code == 2
    assert "email" in bad.output
    assert "Traceback" not in bad.output


def test_help_on_every_level() -> None:
    commands = (
        [], ["users"], ["serve"], ["run"], ["migrate"], ["demo"], ["train"],
        ["users", "create-admin"], ["risk"], ["risk", "score"], ["risk", "evaluate"], ["risk", "simulate"],
        ["worker"], ["workload"], ["workload", "analyze"],
    )  # fmt: skip
    for args in commands:
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Usage" in result.output


def test_demo_fills_an_empty_database_once(sqlite_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMBERWATCH_ENV", "test")
    monkeypatch.setenv("EMBERWATCH_AUTH__ARGON2_MEMORY_KIB", "64")
    monkeypatch.setenv("EMBERWATCH_AUTH__ARGON2_TIME_COST", "1")
    get_settings.cache_clear()
    runner.invoke(app, ["migrate"])
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.example.org" in first.output
    assert "39 accounts with 90 days" in first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 1
    assert "only fills an empty one" in second.output
