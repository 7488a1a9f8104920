from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from emberwatch.core.validation import Email, Password, PersonName, TimezoneName

OpaqueToken = Field(min_length=16, max_length=4096)


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Password
    full_name: PersonName
    timezone: TimezoneName = "UTC"


class LoginIn(BaseModel):
    email: Email
    # Not held to the current policy: accounts made under an older one must still be able to log in.
    password: str = Field(min_length=1, max_length=1024)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")


class RefreshIn(BaseModel):
    refresh_token: str = OpaqueToken


class PasswordResetRequest(BaseModel):
    email: Email


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = OpaqueToken
    new_password: Password


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: Password


class Accepted(BaseModel):
    detail: str
