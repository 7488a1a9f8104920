"""create_app(): settings, database, middleware, routers. The API imports no dataframe or training library."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from emberwatch import __version__
from emberwatch.analytics.router import router as analytics_router
from emberwatch.audit.router import router as audit_router
from emberwatch.auth.router import router as auth_router
from emberwatch.auth.service import AuthKit
from emberwatch.checkins.router import router as checkins_router
from emberwatch.core.cache import Cache
from emberwatch.core.config import Settings, get_settings
from emberwatch.core.crypto import Cipher
from emberwatch.core.db import create_engine, create_sessionmaker, utcnow
from emberwatch.core.errors import install_error_handlers
from emberwatch.core.logging import configure_logging
from emberwatch.core.mail import create_mailer
from emberwatch.core.middleware import (
    BodyLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from emberwatch.core.ratelimit import Limiter
from emberwatch.core.redis import create_redis
from emberwatch.departments.router import router as departments_router
from emberwatch.health.router import router as health_router
from emberwatch.privacy.router import router as privacy_router
from emberwatch.risk.router import router as risk_router
from emberwatch.risk.serving import ModelHolder
from emberwatch.surveys.router import router as surveys_router
from emberwatch.users.router import router as users_router
from emberwatch.worker import create_jobs
from emberwatch.workload.router import router as workload_router

DESCRIPTION = """
Emberwatch gives people and teams an early warning of burnout: a three-tap daily check-in with a calibrated risk
estimate, privacy-safe team aggregates, and on-call workload analysis.

Authenticate with **Authorize** (email as username) or send `Authorization: Bearer <access token>`.
Errors are `{"error": "<code>", "detail": "<message>"}`; lists are `{"items": [...], "total": N}`.
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Compute the dummy hash once, off the loop, so that the first unknown-email login costs no more than others.
    await anyio.to_thread.run_sync(lambda: app.state.auth.hasher.dummy_hash)
    await app.state.models.load_active(app.state.sessionmaker)
    try:
        yield
    finally:
        if app.state.redis is not None:
            await app.state.redis.aclose()
        await app.state.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    app = FastAPI(
        title="Emberwatch",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan,
        docs_url="/docs",
        redoc_url="/redoc",
        openapi_url="/openapi.json",
        swagger_ui_parameters={"persistAuthorization": True},
    )
    engine = create_engine(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.redis = create_redis(settings.redis_url) if settings.redis_url else None
    app.state.auth = AuthKit.from_settings(settings)
    app.state.mailer = create_mailer(settings.mail, development=settings.env == "development")
    app.state.clock = utcnow
    app.state.models = ModelHolder(settings.data_dir, settings.model_refresh_seconds)
    app.state.cipher = Cipher(settings)
    app.state.jobs = create_jobs(settings)
    app.state.limiter = Limiter(settings.redis_url)
    app.state.cache = Cache(app.state.redis)

    install_error_handlers(app)

    for router in (
        health_router,
        auth_router,
        users_router,
        departments_router,
        checkins_router,
        risk_router,
        surveys_router,
        analytics_router,
        workload_router,
        privacy_router,
        audit_router,
    ):
        app.include_router(router)

    # Added innermost first: the request id wraps everything, so even a 413 or a 500 carries it.
    def body_limit(path: str) -> int:
        return settings.max_upload_bytes if path.endswith("/import") else settings.max_body_bytes

    app.add_middleware(BodyLimitMiddleware, limit_for=body_limit)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After", "RateLimit", "RateLimit-Policy"],
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.env == "production")
    app.add_middleware(RequestContextMiddleware)
    return app
