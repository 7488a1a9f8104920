"""The model this process serves, swapped without a restart when another version is activated.

Each process checks the database for the active version at most every `model_refresh_seconds`; a request in
flight keeps the model object it started with, so a swap never fails a request. Until a trained model is active
the transparent Kalimo rule is served, so every check-in still gets an estimate.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import anyio
import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emberwatch.ml import registry
from emberwatch.ml.predictor import BASELINE_VERSION, RiskModel, baseline_model
from emberwatch.risk import repository

log = structlog.get_logger(__name__)


class ModelHolder:
    def __init__(self, data_dir: Path, refresh_seconds: float) -> None:
        self.data_dir = data_dir
        self.refresh_seconds = refresh_seconds
        self.current: RiskModel = baseline_model()
        self._checked_at = -math.inf

    async def load_active(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Load the active model at start; a database that is not up yet must not stop the API from starting."""
        try:
            async with sessionmaker() as session:
                await self.model_for(session)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("model_lookup_failed_at_start", error=type(exc).__name__)
            self.recheck_soon()

    async def model_for(self, session: AsyncSession) -> RiskModel:
        """The model to use now; looks up the active version when the last look is older than the refresh."""
        now = time.monotonic()
        if now - self._checked_at < self.refresh_seconds:
            return self.current
        self._checked_at = now
        wanted = await repository.active_version(session) or BASELINE_VERSION
        if wanted != self.current.version:
            await self._swap(wanted)
        return self.current

    async def _swap(self, version: str) -> None:
        if version == BASELINE_VERSION:
            self.install(baseline_model())
            return
        try:
            model = await anyio.to_thread.run_sync(registry.load, self.data_dir, version)
        except (registry.ArtifactError, OSError) as exc:
            # Keep serving what we have; the next refresh tries again.
            log.error("model_load_failed", version=version, error=str(exc))
            return
        self.install(model)

    def install(self, model: RiskModel) -> None:
        previous = self.current.version
        self.current = model
        log.info("model_installed", version=model.version, previous=previous)

    def recheck_soon(self) -> None:
        self._checked_at = -math.inf
