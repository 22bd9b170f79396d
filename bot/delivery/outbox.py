"""The outbox: durable fan-out of jobs (broadcasts, digests) to chats, resumed after restarts.

Every row is written before anything is sent and is marked `sending` before its API call, so a
``kill -9`` loses nothing: on start, rows left `sending` are requeued (the sends that were in
flight — the only possible duplicates, since the Bot API has no idempotency key) and the worker
carries on with the pending ones. A bounded number of rows is in flight at once: enough to keep
the throttle's global rate busy, few enough to bound the duplicates of a crash.

A graceful stop (SIGTERM) does better than a crash: rows whose request is on the wire are let
finish and recorded; rows still waiting for a rate slot are released back to `pending` without
being sent (the throttle raises Released for them), so a restart sends nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.clock import Clock
from bot.delivery.limiter import Released
from bot.delivery.sender import PartHook, SendResult, Sender
from bot.delivery.throttle import Throttle, bulk, delivery_context
from storage import outbox as outbox_sql
from storage.db import Store
from storage.rows import Job, OutboxRow

log = logging.getLogger(__name__)

# Called with (job_id, finished) after each row of a job is settled; must return quickly.
JobListener = Callable[[int, bool], Awaitable[None]]
# Sends a row that carries a payload instead of HTML (a channel post: media, options, pin):
# (chat_id, payload, message ids of parts already delivered, on_part) -> SendResult of the rest.
# See `Outbox.register`.
Deliverer = Callable[[int | str, dict[str, Any], list[int], PartHook], Awaitable[SendResult]]


@dataclass(frozen=True)
class OutboxItem:
    chat_id: int | str  # a channel may be addressed as "@username"
    html: str
    markup: InlineKeyboardMarkup | None = None
    key: str | None = None  # unique across the outbox; default "<job>:<chat>"
    payload: dict[str, Any] | None = None  # {"type": <registered deliverer>, ...} instead of html
    not_before: str | None = None  # ISO UTC: not claimed before then (scheduled posts)
    thread_id: int | None = None  # a forum topic of the chat (its message_thread_id)

    def row(self) -> dict[str, Any]:
        markup = self.markup.model_dump_json(exclude_none=True) if self.markup is not None else None
        payload = json.dumps(self.payload, ensure_ascii=False) if self.payload is not None else None
        return {"chat_id": self.chat_id, "html": self.html, "markup": markup, "key": self.key,
                "payload": payload, "not_before": self.not_before, "thread_id": self.thread_id}


@dataclass(frozen=True)
class Enqueued:
    job_id: int
    added: int  # new rows
    skipped: int  # items whose key was already in the outbox (re-enqueued digest window, ...)


@dataclass(frozen=True)
class JobProgress:
    job_id: int
    kind: str
    state: str
    total: int
    sent: int
    failed: int
    left: int
    rate: float | None  # rows settled per second in this process, None until measurable
    eta: float | None  # seconds

    @property
    def done(self) -> bool:
        return self.left == 0 and self.state != "draft"


class Outbox:
    """Queue jobs; a worker task delivers them through the Sender (see module doc)."""

    def __init__(
        self, store: Store, clock: Clock, sender: Sender, *, throttle: Throttle | None = None,
        concurrency: int = 24, poll_interval: float = 1.0, max_attempts: int = 3,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``monotonic`` times the progress rate and ETA (``clock`` gives the rows' dates)."""
        self.store = store
        self.monotonic = monotonic
        self.throttle = throttle
        self.clock = clock
        self.sender = sender
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        self._listeners: list[JobListener] = []
        self._deliverers: dict[str, Deliverer] = {}
        self._baselines: dict[int, tuple[float, int]] = {}  # job -> (monotonic, settled rows)
        self._wake = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._stopping = False

    # -- jobs ---------------------------------------------------------------------------------

    def subscribe(self, listener: JobListener) -> None:
        self._listeners.append(listener)

    def register(self, payload_type: str, deliverer: Deliverer) -> None:
        """Rows whose payload says ``{"type": payload_type}`` are sent by ``deliverer``: the
        same claiming, pacing, retries and crash recovery as text rows, another message shape."""
        self._deliverers[payload_type] = deliverer

    def has_budget(self, chat_id: int | str) -> bool:
        """Whether an optional message to this chat (a progress edit) would go out without waiting
        for the pacing budget; always true without a throttle."""
        return self.throttle is None or self.throttle.has_budget(chat_id)

    def wake(self) -> None:
        """Look for due rows now (a scheduled row's time came; the clock was moved in a test)."""
        self._wake.set()

    async def draft(self, kind: str, *, created_by: int | None = None, payload: dict[str, Any] | None = None) -> int:
        """A job that sends nothing until :meth:`enqueue` starts it (preview → confirm)."""
        return await self.store.call(
            outbox_sql.create_job, kind=kind, state="draft", now=self.clock.iso(), created_by=created_by, payload=payload
        )

    async def cancel_draft(self, job_id: int) -> bool:
        return await self.store.call(outbox_sql.transition_job, job_id, "draft", "cancelled", self.clock.iso())

    async def job(self, job_id: int) -> Job | None:
        return await self.store.call(outbox_sql.get_job, job_id)

    async def enqueue(
        self, kind: str, items: Iterable[OutboxItem], *, created_by: int | None = None,
        payload: dict[str, Any] | None = None, job_id: int | None = None, priority: int = 10,
    ) -> Enqueued | None:
        """Store one row per item and wake the worker; None if draft `job_id` was already started."""
        result = await self.store.call(
            outbox_sql.enqueue, kind=kind, items=[item.row() for item in items], now=self.clock.iso(),
            created_by=created_by, payload=payload, job_id=job_id, priority=priority,
        )
        if result is None:
            return None
        enqueued = Enqueued(*result)
        await self._baseline(enqueued.job_id)
        self._wake.set()
        return enqueued

    async def progress(self, job_id: int) -> JobProgress | None:
        job = await self.store.call(outbox_sql.get_job, job_id)
        if job is None:
            return None
        counts = await self.store.call(outbox_sql.counts, job_id)
        sent, failed = counts.get("sent", 0), counts.get("failed", 0)
        left = counts.get("pending", 0) + counts.get("sending", 0)
        rate = eta = None
        base = self._baselines.get(job_id)
        if base is not None:
            elapsed = self.monotonic() - base[0]
            settled = sent + failed - base[1]
            if elapsed > 0.5 and settled > 0:
                rate = settled / elapsed
                eta = left / rate
        return JobProgress(job_id, job.kind, job.state, sent + failed + left, sent, failed, left, rate, eta)

    async def _baseline(self, job_id: int) -> None:
        """Rate and ETA are measured from here (enqueue or resume), in this process."""
        counts = await self.store.call(outbox_sql.counts, job_id)
        self._baselines[job_id] = (self.monotonic(), counts.get("sent", 0) + counts.get("failed", 0))
        while len(self._baselines) > 1000:  # finished jobs' rates are not asked for forever
            self._baselines.pop(next(iter(self._baselines)))

    # -- worker -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Requeue what a crash left in flight and start delivering (idempotent)."""
        if self._worker is not None and not self._worker.done():
            return
        requeued = await self.store.call(outbox_sql.requeue_in_flight, self.clock.iso())
        running = await self.store.call(outbox_sql.jobs_with_state, "running")
        for job in running:
            await self._baseline(job.id)
        if requeued or running:
            log.info("outbox resumed", extra={"requeued": requeued, "jobs": [j.id for j in running]})
        self._stopping = False
        if self.throttle is not None:
            self.throttle.reopen_bulk()
        self._wake = asyncio.Event()
        self._worker = asyncio.create_task(self._run(), name="outbox-worker")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop claiming rows; release the claimed ones not yet sent, let the requests on the
        wire finish (rows still `sending` after ``timeout`` are requeued at start, like a crash)."""
        self._stopping = True
        self._wake.set()
        if self._worker is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self.throttle is not None:
            self.throttle.release_bulk()
        if self._inflight:
            _, late = await asyncio.wait(set(self._inflight), timeout=timeout)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def wait_idle(self, timeout: float = 60.0) -> None:
        """Until nothing due is pending or in flight (tests, benchmarks, the CLI's digest command)."""
        deadline = self.monotonic() + timeout
        while await self.store.call(outbox_sql.open_rows, self.clock.iso()) or self._inflight:
            if self.monotonic() > deadline:
                raise TimeoutError("outbox still busy")
            await asyncio.sleep(0.05)

    async def _run(self) -> None:
        while not self._stopping:
            free = self.concurrency - len(self._inflight)
            if free <= 0:
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                rows = await self.store.call(outbox_sql.claim, free, self.clock.iso())
            except Exception:  # a storage hiccup must not end delivery for good
                log.exception("outbox claim failed")
                rows = []
            if not rows:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_interval)
                continue
            for row in rows:
                task = asyncio.create_task(self._deliver(row), name=f"outbox-{row.id}")
                self._inflight.add(task)
                task.add_done_callback(self._settled)

    def _settled(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._wake.set()

    async def _deliver(self, row: OutboxRow) -> None:
        job_id = row.job_id
        done_ids = list(row.message_ids)

        async def on_part(ids: list[int], chat_id: int | str) -> None:
            await self.store.call(outbox_sql.record_parts, row.id, done_ids + ids, chat_id, self.clock.iso())

        try:
            with bulk(), delivery_context(f"{job_id}/{row.key}"):
                if row.payload is not None:
                    deliver = self._deliverers[row.payload["type"]]
                    result = await deliver(row.chat_id, row.payload, list(done_ids), on_part)
                else:
                    markup = InlineKeyboardMarkup.model_validate_json(row.markup) if row.markup else None
                    result = await self.sender.send(
                        row.chat_id, row.html, reply_markup=markup, bulk=True, skip=len(done_ids),
                        on_part=on_part, thread_id=row.thread_id,
                    )
            if result.ok:
                state, error = "sent", None
            else:
                retry = result.transient and row.attempts < self.max_attempts
                state, error = ("pending" if retry else "failed"), result.error
            chat_id = result.chat_id if isinstance(result.chat_id, int) else None
            await self.store.call(
                outbox_sql.finish, row.id, state=state, now=self.clock.iso(),
                message_ids=done_ids + result.message_ids, chat_id=chat_id, error=error,
            )
        except Released:  # stopping: this row's next part was never sent; the next start sends it
            await self.store.call(outbox_sql.release, row.id, self.clock.iso())
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug for one row must not stall the job
            log.exception("outbox row failed", extra={"row": row.id, "job": job_id})
            await self.store.call(outbox_sql.finish, row.id, state="failed", now=self.clock.iso(),
                                  error=f"{type(exc).__name__}: {exc}"[:300])
        finished = await self.store.call(outbox_sql.finish_job_if_done, job_id, self.clock.iso())
        for listener in self._listeners:
            try:
                await listener(job_id, finished)
            except Exception:
                log.exception("outbox listener failed", extra={"job": job_id})
