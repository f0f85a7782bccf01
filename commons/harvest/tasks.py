# SPDX-License-Identifier: EUPL-1.2
"""Celery on a Redis broker: one task per source run, executed by ``commons worker``.

Harvests run inline by default. With ``COMMONS_BROKER_URL`` set, ``commons harvest run`` creates a
queued job per source and sends its id; a worker runs it inside the Flask application it was built
with. Per-host request budgets are then shared through Redis (:mod:`commons.harvest.budget`), so two
workers never hammer the same forge together.
"""

from __future__ import annotations

from typing import Any

from celery import Celery, Task
from flask import Flask

TASK_NAME = "commons.harvest.run_job"


def celery_for(app: Flask) -> Celery:
    """The Celery application bound to ``app`` (built once per Flask app)."""
    existing = app.extensions.get("celery")
    if isinstance(existing, Celery):
        return existing
    broker = app.config.get("COMMONS_BROKER_URL")

    class AppTask(Task):  # type: ignore[misc]
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery("commons", broker=broker, task_cls=AppTask)
    celery.conf.update(
        task_ignore_result=True,
        # A job is acknowledged only once it ran: a worker killed mid-run leaves it for another worker,
        # and the upsert is idempotent so running it twice loses and duplicates nothing.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_default_queue=str(app.config.get("COMMONS_CELERY_QUEUE") or "commons-harvest"),
        worker_hijack_root_logger=False,
    )
    celery.conf.update(app.config.get("COMMONS_CELERY") or {})

    @celery.task(name=TASK_NAME)
    def run_job(job_id: int) -> dict[str, Any]:
        return _run_job(job_id)

    app.extensions["celery"] = celery
    return celery


def _run_job(job_id: int) -> dict[str, Any]:
    from commons.extensions import db
    from commons.harvest import services
    from commons.harvest.models import HarvestJob

    job = db.session.get(HarvestJob, job_id)
    if job is None or job.status not in ("queued", "running"):
        # Already done (a redelivery after the worker acknowledged late): nothing to do.
        return {"job": job_id, "status": getattr(job, "status", "missing")}
    from commons.errors import ServiceError
    from commons.types import utcnow

    try:
        try:
            finished = services.run_source(job.source, job)
        except ServiceError as error:
            # Another run of the source is alive, or it was rejected meanwhile: say so on the job.
            db.session.rollback()
            job.status = "failed"
            job.error = error.message
            job.finished_at = utcnow()
            db.session.commit()
            finished = job
        return {"job": finished.id, "status": finished.status}
    finally:
        db.session.remove()


def enqueue(job: Any) -> None:
    """Send a queued job to the workers."""
    from flask import current_app

    celery = celery_for(current_app._get_current_object())  # type: ignore[attr-defined]
    celery.send_task(TASK_NAME, args=[job.id])
