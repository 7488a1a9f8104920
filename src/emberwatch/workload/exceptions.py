from emberwatch.core.errors import AppError, NotFound


class IntegrationNotFound(NotFound):
    code = "integration_not_found"


class AnalysisNotFound(NotFound):
    code = "analysis_not_found"


class TokenRequired(AppError):
    status_code = 400
    code = "api_token_required"


class WrongPlatform(AppError):
    status_code = 400
    code = "wrong_platform"


class ImportRejected(AppError):
    """The file has bad rows; nothing was imported."""

    status_code = 422
    code = "invalid_import"
