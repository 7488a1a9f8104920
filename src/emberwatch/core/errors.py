"""One error model for the whole API: `{"error": code, "detail": message}` (SPEC §2).

Services raise `AppError` subclasses; one set of handlers renders them. Routers never translate errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class AppError(Exception):
    """An expected failure with a stable code; the message is safe to show to the caller."""

    status_code: int = 400
    code: str = "bad_request"
    headers: Mapping[str, str] | None = None
    # Changes made before raising are committed anyway (a failed login must still count toward lockout).
    keep_changes: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.detail = detail or self.__class__.__doc__ or self.code
        if headers is not None:
            self.headers = headers
        self.extra = dict(extra or {})  # more fields for the body, such as the rows of a rejected file
        super().__init__(self.detail)


class BadRequest(AppError):
    """The request cannot be processed as sent."""


class Unauthenticated(AppError):
    """Authentication is required or the credentials are not valid."""

    status_code = 401
    code = "unauthenticated"
    headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(AppError):
    """You are not allowed to do this."""

    status_code = 403
    code = "forbidden"


class NotFound(AppError):
    """Not found."""

    status_code = 404
    code = "not_found"


class Conflict(AppError):
    """The request conflicts with the current state."""

    status_code = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    """The request body is larger than allowed."""

    status_code = 413
    code = "payload_too_large"


class Locked(AppError):
    """The resource is temporarily locked."""

    status_code = 423
    code = "locked"


class RateLimited(AppError):
    """Too many requests."""

    status_code = 429
    code = "rate_limited"


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str
    detail: str


class FieldError(BaseModel):
    loc: list[str | int]
    message: str
    type: str


class ValidationErrorBody(ErrorBody):
    fields: list[FieldError]


def error_response(
    status_code: int, code: str, detail: str, headers: Mapping[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail, **extra}, status_code=status_code, headers=headers)


def _field_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    fields = []
    for err in errors:
        # Drop the "body"/"query" prefix only when more follows: the client knows where it sent the field.
        loc = list(err.get("loc", ()))
        fields.append({"loc": loc, "message": err.get("msg", "invalid"), "type": err.get("type", "invalid")})
    return fields


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(err.get("type") == "json_invalid" for err in errors):
            return error_response(400, "invalid_json", "The request body is not valid JSON.")
        fields = _field_errors(errors)
        names = ", ".join(".".join(str(p) for p in f["loc"][1:] or f["loc"]) for f in fields[:5])
        return error_response(422, "validation_error", f"Invalid input: {names}.", fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        return error_response(exc.status_code, code, detail, exc.headers)

    # Unexpected exceptions are answered by RequestContextMiddleware, which knows the request id.


# OpenAPI documentation of the error responses each route may give.
def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        model = ValidationErrorBody if code == 422 else ErrorBody
        described[code] = {"model": model, "description": _HTTP_CODES.get(code, "error").replace("_", " ")}
    return described
