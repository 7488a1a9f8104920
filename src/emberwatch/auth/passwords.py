"""Password policy (NIST SP 800-63B): 12–128 characters, no composition rules, not a commonly used password."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from emberwatch.core.errors import AppError


class WeakPassword(AppError):
    status_code = 400
    code = "weak_password"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = files("emberwatch.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def check_password(password: str, *, email: str) -> None:
    """Refuse passwords from the blocklist and passwords that merely repeat the account's email."""
    lowered = password.lower()
    if lowered in common_passwords() or password in common_passwords():
        raise WeakPassword("This password is among the 10,000 most common passwords; choose another.")
    if lowered == email.lower() or lowered == email.split("@", 1)[0].lower():
        raise WeakPassword("The password must not be your email address.")
