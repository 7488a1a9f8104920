from emberwatch.core.errors import AppError, Conflict


class AlreadySubmitted(Conflict):
    code = "already_submitted"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"


class DateInFuture(AppError):
    status_code = 400
    code = "date_in_future"


class DateTooOld(AppError):
    status_code = 400
    code = "date_too_old"


class InvalidRange(AppError):
    status_code = 400
    code = "invalid_date_range"
