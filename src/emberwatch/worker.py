"""The job table: every background task of the product, registered on one huey instance per process."""

from __future__ import annotations

from emberwatch.core.config import Settings
from emberwatch.core.jobs import Jobs


def create_jobs(settings: Settings) -> Jobs:
    from emberwatch.workload import tasks as workload_tasks

    jobs = Jobs(settings)
    workload_tasks.register(jobs)
    return jobs
