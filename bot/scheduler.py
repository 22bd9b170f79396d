"""The one AsyncIOScheduler: started in the dispatcher's startup (it needs the running loop).

Jobs have explicit ids, never overlap (max_instances=1) and coalesce missed runs: the jobs
themselves are idempotent catch-up passes, so one run after a pause is all that is needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings


def build_scheduler(settings: Settings) -> AsyncIOScheduler:
    return AsyncIOScheduler(
        timezone=settings.tz,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )


def add_interval_job(scheduler: AsyncIOScheduler, job_id: str, func: Callable[[], Awaitable[Any]], *,
                     seconds: float, first_in: float | None = None) -> None:
    start = datetime.now(timezone.utc) + timedelta(seconds=first_in if first_in is not None else seconds)
    scheduler.add_job(func, IntervalTrigger(seconds=seconds, start_date=start), id=job_id, replace_existing=True)
