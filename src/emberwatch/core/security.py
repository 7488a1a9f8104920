"""Password hashing, access tokens (JWT) and opaque tokens: the primitives, with no knowledge of users."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import anyio
import jwt
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

from emberwatch.core.config import Settings

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
CLOCK_SKEW_SECONDS = 30


class PasswordHasher:
    """Argon2id off the event loop, with a bounded number of hashes at once (each takes ~19 MiB and a core)."""

    def __init__(self, *, memory_kib: int, time_cost: int, parallelism: int, concurrency: int) -> None:
        self._argon2 = Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID)
        self._concurrency = concurrency

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        policy = settings.auth
        return cls(
            memory_kib=policy.argon2_memory_kib,
            time_cost=policy.argon2_time_cost,
            parallelism=policy.argon2_parallelism,
            concurrency=policy.hashing_concurrency,
        )

    @cached_property
    def _limiter(self) -> anyio.CapacityLimiter:
        return anyio.CapacityLimiter(self._concurrency)

    @cached_property
    def dummy_hash(self) -> str:
        """A hash to verify against when the account does not exist, so that both paths cost the same."""
        return self._argon2.hash(secrets.token_urlsafe(16))

    def hash_sync(self, password: str) -> str:
        return self._argon2.hash(password)

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._argon2.hash, password, limiter=self._limiter)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def verify(self, password_hash: str | None, password: str) -> bool:
        target = password_hash if password_hash is not None else self.dummy_hash
        ok = await anyio.to_thread.run_sync(self._verify, target, password, limiter=self._limiter)
        return ok and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        return self._argon2.check_needs_rehash(password_hash)


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


class InvalidToken(Exception):
    """The token is malformed, forged, expired or of the wrong kind."""


class TokenCodec:
    """JWT HS256 with the algorithm pinned and `iss`, `aud`, `exp`, `typ` required."""

    algorithm = "HS256"

    def __init__(self, settings: Settings) -> None:
        self._key = settings.secret_key.get_secret_value()
        self._issuer = settings.auth.jwt_issuer
        self._audience = settings.auth.jwt_audience
        self.ttl = timedelta(minutes=settings.auth.access_token_minutes)

    def issue_access(self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime) -> str:
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": str(user_id),
            "sid": str(session_id),
            "typ": ACCESS_TOKEN_TYPE,
            "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp()),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=self.algorithm)

    def decode_access(self, token: str, now: datetime) -> AccessClaims:
        """Verify signature, algorithm, issuer, audience and type; expiry is checked against the service's clock."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self.algorithm],
                audience=self._audience,
                issuer=self._issuer,
                # Time claims are checked below against the service's own clock, not the library's.
                options={
                    "require": ["exp", "iat", "iss", "aud", "sub", "sid", "typ"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
            if claims["typ"] != ACCESS_TOKEN_TYPE:
                raise InvalidToken("not an access token")
            exp, iat = claims["exp"], claims["iat"]
            if not isinstance(exp, int | float) or not isinstance(iat, int | float):
                raise InvalidToken("exp and iat must be numbers")
            if exp <= now.timestamp():
                raise InvalidToken("expired")
            if iat > now.timestamp() + CLOCK_SKEW_SECONDS:
                raise InvalidToken("issued in the future")
            return AccessClaims(
                user_id=uuid.UUID(claims["sub"]),
                session_id=uuid.UUID(claims["sid"]),
                expires_at=datetime.fromtimestamp(claims["exp"]).astimezone(),
            )
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc


def new_opaque_token() -> str:
    """256 random bits, URL-safe: refresh and password-reset tokens."""
    return secrets.token_urlsafe(32)


def hash_opaque_token(token: str) -> str:
    """Opaque tokens are stored only as SHA-256: they carry 256 bits of entropy, so no salt or stretching is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_digest(secret: str, value: str) -> str:
    """An HMAC of a value we must count but not store in clear (the email of a failed login)."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
