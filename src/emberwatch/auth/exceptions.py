from emberwatch.core.errors import AppError, Forbidden, Locked, Unauthenticated


class InvalidCredentials(Unauthenticated):
    """Wrong email or password (deliberately not saying which)."""

    code = "invalid_credentials"
    keep_changes = True  # the failure counts toward the lockout


class AccountLocked(Locked):
    code = "account_locked"
    keep_changes = True


class InvalidToken(Unauthenticated):
    code = "invalid_token"


class RefreshTokenReused(Unauthenticated):
    """A refresh token was presented twice: the login it belongs to is revoked."""

    code = "refresh_token_reused"
    keep_changes = True  # the revocation must survive the error


class InvalidResetToken(AppError):
    status_code = 400
    code = "invalid_reset_token"


class WrongPassword(AppError):
    status_code = 400
    code = "wrong_password"


class RegistrationClosed(Forbidden):
    code = "registration_closed"
