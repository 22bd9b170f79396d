"""The one AsyncIOScheduler: started in the dispatcher's startup (it needs the running loop).

Jobs have explicit ids, never overlap (max_instances=1) and coalesce missed runs: the jobs
themselves are idempotent catch-up passes, so one run after a pause is all that is needed.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.services.storage_alarm import StorageAlarm
from storage.db import StorageUnwritable

log = logging.getLogger(__name__)


def build_scheduler(settings: Settings) -> AsyncIOScheduler:
    return AsyncIOScheduler(
        timezone=settings.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )


def add_interval_job(scheduler: AsyncIOScheduler, job_id: str, func: Callable[[], Awaitable[Any]], *,
                     seconds: float, first_in: float | None = None, alarm: StorageAlarm | None = None) -> None:
    start = datetime.now(timezone.utc) + timedelta(seconds=first_in if first_in is not None else seconds)
    job = _telling(func, job_id, alarm) if alarm is not None else func
    scheduler.add_job(job, IntervalTrigger(seconds=seconds, start_date=start), id=job_id, replace_existing=True)


def _telling(func: Callable[[], Awaitable[Any]], job_id: str, alarm: StorageAlarm) -> Callable[[], Awaitable[Any]]:
    """A job whose writes the disk refuses tells the admins (once): with nobody chatting, a full
    disk would otherwise stop every digest with nothing but a traceback a minute in the log."""
    @functools.wraps(func)
    async def job() -> Any:
        try:
            return await func()
        except StorageUnwritable as exc:
            log.error("scheduled job could not write", extra={"job": job_id, "reason": exc.reason})
            await alarm.report(exc)
            return None

    return job
