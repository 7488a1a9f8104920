"""Encryption at rest for secrets we must be able to read back (platform tokens) and, later, free text.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`). The key is `EMBERWATCH_ENCRYPTION_KEY` (a Fernet key), or,
when unset, derived from the secret key with HKDF so that development needs no extra setting. Older keys can be
listed after the current one (comma-separated) to rotate without losing data.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from emberwatch.core.config import Settings


class DecryptionError(Exception):
    """The stored value cannot be decrypted with the configured keys."""


def _derived_key(secret: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"emberwatch-encryption-at-rest").derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(raw)


class Cipher:
    def __init__(self, settings: Settings) -> None:
        configured = settings.encryption_key.get_secret_value() if settings.encryption_key else ""
        keys = [k.strip().encode() for k in configured.split(",") if k.strip()]
        if not keys:
            keys = [_derived_key(settings.secret_key.get_secret_value())]
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    def encrypt(self, plaintext: str) -> bytes:
        return self._fernet.encrypt(plaintext.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:
            raise DecryptionError("cannot decrypt with the configured encryption keys") from exc
